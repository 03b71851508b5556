"""Matplotlib figures as PNG bytes for ``ipywidgets.Image``.

Figures are made with ``matplotlib.figure.Figure`` rather than pyplot, so no
figure is registered with a backend: nothing leaks, nothing depends on the
kernel's matplotlib backend (inline, Agg, Voilà) and nothing is printed. The
import happens inside the function, so ``import course`` stays light.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any


def png(draw: Callable[[Any], None], size: tuple[float, float] = (7.0, 4.0)) -> bytes:
    """Call ``draw(axes)`` on a fresh figure and return it rendered as PNG bytes."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=100, layout="constrained")
    draw(figure.subplots())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
