"""Module 04: the depth explorer.

Needle length, angle, body area and intended technique in; the tip depth
(``course.depth.tip_depth_mm``), the layer it reaches (``layer_at``), the technique
the teaching scheme names for that depth (``technique_for_depth``) and a
cross-section of the area's layers (``boundaries``) out. Areas without reliable
figures say so instead of drawing invented layers. The readout is a stable
element whose text starts "Tip depth:" (browser tests read it).
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets

from course import depth, knowledge
from course.depth import LayerBoundaries
from course.knowledge import schema
from course.widgets import plotting, render
from course.widgets.base import WIDE, View

LAYER_COLOURS = {"epidermis": "#f6d7c3", "dermis": "#eab39b", "hypodermis": "#f7e9a8", "deeper": "#d9d9d9"}


def scheme_range(technique: schema.DepthTechnique) -> str:
    """A technique's teaching-scheme range in words, e.g. "0.5 to 2 mm"."""
    scheme = technique.scheme
    top = f"{scheme.up_to_mm:g} mm" if scheme.up_to_inclusive else f"below {scheme.up_to_mm:g} mm"
    return f"from {scheme.from_mm:g} mm to {top}"


def technique_html(technique: schema.DepthTechnique) -> str:
    """The intended technique's range in the teaching scheme and every other source's value."""
    scheme = technique.scheme
    others = "".join(
        f"<li>{render.fact(v.text, [v.source], v.label)}{' <b>(disagrees)</b>' if v.disagrees else ''}</li>"
        for v in technique.other_values
    )
    return (
        f"<p><b>{render.text(technique.name)}</b>, teaching scheme: {render.text(scheme_range(technique))} "
        f"{render.label(scheme.label)} {render.citation(scheme.sources)}</p>"
        + (f"<p>Other sources:</p><ul>{others}</ul>" if others else "")
    )


def _bands(edges: LayerBoundaries, bottom: float) -> list[tuple[str, float, float]]:
    bands = [("epidermis", 0.0, edges.epidermis_end), ("dermis", edges.epidermis_end, edges.dermis_end)]
    if edges.hypodermis_end is not None:
        bands += [("hypodermis", edges.dermis_end, edges.hypodermis_end), ("deeper", edges.hypodermis_end, bottom)]
    return bands


def draw_cross_section(ax: Any, area_name: str, edges: LayerBoundaries | None, length: float, angle: float,
                       tip: float, technique: schema.DepthTechnique) -> None:
    """Layers of the area (or "no reliable figure"), the needle at its angle, the tip and the intended range."""
    from matplotlib.patches import Patch

    reach = length * math.cos(math.radians(angle))
    deepest = max(tip, (edges.hypodermis_end or edges.dermis_end) if edges else tip)
    bottom = deepest * 1.25 + 0.5
    right = max(reach, bottom * 0.6) + 2.0
    handles = []
    if edges is None:
        ax.text(right / 2, bottom / 2, "no reliable figure\nfor this area's layers", ha="center", va="center",
                fontsize=11, color="#555")
    else:
        for name, top, end in _bands(edges, bottom):
            ax.axhspan(top, end, color=LAYER_COLOURS[name])
            handles.append(Patch(color=LAYER_COLOURS[name], label=name))
        if edges.hypodermis_end is None:
            ax.axhspan(edges.dermis_end, bottom, facecolor="white", hatch="//", edgecolor="#bbb")
            handles.append(Patch(facecolor="white", hatch="//", edgecolor="#bbb", label="fat: no reliable figure"))
    scheme = technique.scheme
    ax.axhspan(scheme.from_mm, min(scheme.up_to_mm, bottom), xmin=0.93, xmax=1.0, color="#4a7bd0", alpha=0.6)
    handles.append(Patch(color="#4a7bd0", alpha=0.6, label=f"intended: {technique.id}"))
    ax.plot([0, reach], [0, tip], color="#333", linewidth=2.5)
    ax.plot([reach], [tip], "o", color="#c0392b")
    ax.axhline(tip, color="#c0392b", linestyle="--", linewidth=1)
    ax.annotate(f"tip {tip:.2f} mm", (reach, tip), textcoords="offset points", xytext=(-6, 6), ha="right",
                color="#c0392b")
    ax.annotate(f"{angle:g}°", (0, 0), textcoords="offset points", xytext=(10, -14))
    ax.axhline(0, color="black", linewidth=1)
    ax.set_xlim(-0.5, right)
    ax.set_ylim(bottom, -0.2)
    ax.set_aspect("equal")
    ax.set_xlabel("distance along the skin (mm)")
    ax.set_ylabel("depth below the surface (mm)")
    ax.set_title(f"{area_name}: needle in cross-section")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=8)


class DepthExplorer(View):
    """Needle length and angle, area and intended technique: where does the tip go?"""

    def __init__(self) -> None:
        kb = knowledge.load()
        self.needle_length = widgets.FloatSlider(value=4.0, min=0.5, max=13.0, step=0.5, description="Needle length",
                                                 readout_format=".1f", style=WIDE)
        self.angle = widgets.IntSlider(value=30, min=5, max=90, step=5, description="Needle angle", style=WIDE)
        self.area = widgets.Dropdown(options=[(a.name, a.id) for a in kb.areas.values()], description="Body area",
                                     style=WIDE)
        self.technique = widgets.Dropdown(options=[(t.name, t.id) for t in kb.depth_techniques.values()],
                                          value="superficial_intradermal", description="Intended technique",
                                          style=WIDE, layout=widgets.Layout(width="460px"))
        self.tip_readout = widgets.HTML(style={"font_size": "1.15em"})
        self.tip_readout.add_class("meso-tip-depth")  # a stable hook for browser tests
        self.layer_readout = widgets.HTML()
        self.warning = widgets.HTML()
        self.figure = widgets.Image(format="png", layout=widgets.Layout(max_width="760px"))
        self.notes = widgets.HTML()
        self.tip_depth = 0.0
        for control in (self.needle_length, self.angle, self.area, self.technique):
            control.observe(self.update, names="value")
        units = widgets.HTML("mm inserted; the angle is between the needle and the skin surface (90° = perpendicular)")
        self.root = widgets.VBox([
            widgets.HBox([self.needle_length, self.angle]), units, widgets.HBox([self.area, self.technique]),
            self.tip_readout, self.layer_readout, self.warning, self.figure, self.notes,
        ])
        self.update()

    def update(self, _change: object = None) -> None:
        """Recompute the tip depth, layer and technique; redraw the cross-section."""
        kb = knowledge.load()
        area, technique = kb.areas[self.area.value], depth.technique_values(self.technique.value)
        self.tip_depth = depth.tip_depth_mm(self.needle_length.value, self.angle.value)
        self.tip_readout.value = f"Tip depth: {self.tip_depth:.2f} mm"
        try:
            edges: LayerBoundaries | None = depth.boundaries(area.id)
        except ValueError as error:
            edges, figures = None, f"<p>No reliable figure: {render.text(error)}</p>"
        else:
            figures = (f"<p>Layer boundaries are the high end of each source's range "
                       f"{render.citation(edges.sources)}.</p>")
        self.layer_readout.value = self._layer_text(area.id)
        self.warning.value = self._warning(technique)
        self.figure.value = plotting.png(lambda ax: draw_cross_section(
            ax, area.name, edges, self.needle_length.value, self.angle.value, self.tip_depth, technique), (7.5, 4.5))
        self.notes.value = figures + technique_html(technique) + render.fact_list(area.notes)

    def _layer_text(self, area_id: str) -> str:
        try:
            layer = depth.layer_at(self.tip_depth, area_id)
        except ValueError as error:
            return f"Layer at the tip: no reliable figure ({render.text(error)})"
        return f"Layer at the tip: <b>{layer}</b>"

    def _warning(self, technique: schema.DepthTechnique) -> str:
        try:
            at_tip = depth.technique_values(depth.technique_for_depth(self.tip_depth))
        except ValueError as error:
            return render.box(f"⚠ Outside the intended technique's range: {render.text(error)}.", "#fdecea")
        if at_tip.id == technique.id:
            return render.box(f"The tip is within the range of {render.text(technique.name)}.", "#eaf6ea")
        return render.box(
            f"⚠ The tip leaves the intended technique's range ({render.text(scheme_range(technique))}): "
            f"the teaching scheme calls this depth <b>{render.text(at_tip.name)}</b>.", "#fdecea")
