"""Matplotlib figures as PNG bytes, shown with alt text (:class:`Picture`).

Figures are made with ``matplotlib.figure.Figure`` rather than pyplot, so no
figure is registered with a backend: nothing leaks, nothing depends on the
kernel's matplotlib backend (inline, Agg, Voilà) and nothing is printed. The
import happens inside the function, so ``import course`` stays light.

Colours come from cividis, which people with any common colour-vision deficiency
tell apart by lightness; every figure also names what it draws (labels, markers,
hatching), so nothing is told by colour alone.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as widgets

CMAP = "cividis"


def colour(position: float) -> str:
    """The cividis colour at ``position`` (0 dark blue .. 1 yellow), as #rrggbb."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    return to_hex(colormaps[CMAP](position))


def png(draw: Callable[[Any], None], size: tuple[float, float] = (7.0, 4.0)) -> bytes:
    """Call ``draw(axes)`` on a fresh figure and return it rendered as PNG bytes."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=100, layout="constrained")
    draw(figure.subplots())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def img_tag(data: bytes, alt: str, max_width: str = "760px") -> str:
    """A PNG as an ``<img>`` with its alt text, self-contained (a data URL)."""
    source = base64.b64encode(data).decode()
    return (f'<img src="data:image/png;base64,{source}" alt="{escape(alt)}" '
            f'style="max-width:{max_width};width:100%;height:auto">')


class Picture:
    """A figure in a widget: its PNG (``png``) and the text saying what it shows (``alt``).

    ipywidgets' ``Image`` has no alt text, so a screen reader would announce an
    unnamed image; the figure is an ``<img alt=...>`` in an HTML widget instead.
    """

    def __init__(self, max_width: str = "760px") -> None:
        self.widget = widgets.HTML()
        self.widget.add_class("meso-figure")
        self.max_width = max_width
        self.png, self.alt = b"", ""

    def show(self, data: bytes, alt: str) -> None:
        self.png, self.alt = data, alt
        self.widget.value = img_tag(data, alt, self.max_width)

    def clear(self) -> None:
        self.png, self.alt, self.widget.value = b"", "", ""
