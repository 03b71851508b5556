"""Module 04: the depth explorer.

Needle length, angle, body area and target layer in; out come the tip depth
(``course.depth.tip_depth_mm``), every layer the tip can be in on that area
(``possible_layers``: the layer figures are ranges, so it may be "either, depending on
the patient"), whether the tip is certainly in the target layer (the test
``placements`` grades with), the teaching scheme's name for the depth
(``technique_for_depth``) with a warning where that name points to a layer the tip is
not in, and a cross-section: each layer as a band, the depths where the figures allow
two layers hatched, the depths certainly in the target layer and the scheme's band
beside them. Areas without reliable figures say so instead of drawing invented layers.
Where the tip may be below the fat ("deeper"), a warning quotes the knowledge base's
statement of what lies there and why it is never a target (``never_a_target``).
The readout is a stable element whose text starts "Tip depth:" (browser tests read it).
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

import ipywidgets as widgets

from course import depth, knowledge
from course.knowledge import schema
from course.widgets import plotting, render
from course.widgets.base import WIDE, View

# light to dark with depth, from cividis (colour-blind safe); each band also carries its name
LAYER_SHADES = {"epidermis": 0.98, "dermis": 0.8, "hypodermis": 0.62, "deeper": 0.45}
CERTAIN_SHADE, SCHEME_SHADE = 0.1, 0.3
TARGETS = ("epidermis", "dermis", "hypodermis")
NAMES_DISPUTE = "technique_names_vs_layers"
Band = tuple[float, float, tuple[str, ...] | None]  # top, bottom (mm), the layers possible there (None: no figure)


def scheme_range(technique: schema.DepthTechnique) -> str:
    """A technique's teaching-scheme range in words, e.g. "from 0.5 mm to 2 mm"."""
    scheme = technique.scheme
    top = f"{scheme.up_to_mm:g} mm" if scheme.up_to_inclusive else f"below {scheme.up_to_mm:g} mm"
    return f"from {scheme.from_mm:g} mm to {top}"


def technique_html(technique: schema.DepthTechnique) -> str:
    """A technique's range in the teaching scheme and every other source's value."""
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


def layer_words(layers: tuple[str, ...]) -> str:
    """"<b>dermis</b>" or "<b>hypodermis</b> or <b>deeper</b>"."""
    return " or ".join(f"<b>{render.text(layer)}</b>" for layer in layers)


def layer_bands(area_id: str, bottom: float) -> list[Band]:
    """The area's depths from the surface to ``bottom`` cut where any layer figure starts or
    ends, each band with the layers a tip there can be in (``possible_layers``; None where
    the course has no figure), neighbouring bands with the same layers merged."""
    edges = depth.boundaries(area_id)
    points = sorted({0.0, *edges.epidermis_end, *edges.dermis_end, *(edges.hypodermis_end or ()), bottom})
    bands: list[Band] = []
    for top, end in pairwise(p for p in points if p <= bottom):
        try:
            layers: tuple[str, ...] | None = depth.possible_layers((top + end) / 2, area_id)
        except ValueError:
            layers = None
        if bands and bands[-1][2] == layers:
            bands[-1] = (bands[-1][0], end, layers)
        else:
            bands.append((top, end, layers))
    return bands


def _draw_band(ax: Any, top: float, end: float, layers: tuple[str, ...] | None, right: float) -> tuple[Any, str]:
    """One band of the cross-section, its name written in it when it is tall enough to hold it."""
    from matplotlib.patches import Patch

    style: dict[str, Any]
    if layers is None:
        style = {"facecolor": "white", "hatch": "//", "edgecolor": "#bbb"}
        name = "no reliable figure"
    elif len(layers) == 1:
        style, name = {"color": plotting.colour(LAYER_SHADES[layers[0]])}, layers[0]
    else:
        style = {"facecolor": plotting.colour(LAYER_SHADES[layers[0]]), "hatch": "xx",
                 "edgecolor": plotting.colour(LAYER_SHADES[layers[-1]])}
        name = f"{' or '.join(layers)}: either"
    ax.axhspan(top, end, **style)
    if end - top >= 0.45:
        ax.text(right * 0.9, (top + end) / 2, name, ha="right", va="center", fontsize=8,
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1})
    return Patch(**style, label=name), name


def draw_cross_section(ax: Any, area_name: str, area_id: str, length: float, angle: float, tip: float,
                       target: str, technique: schema.DepthTechnique | None) -> None:
    """Layers of the area as bands (or "no reliable figure"), the needle at its angle and its tip,
    the depths certainly in the target layer and the teaching scheme's band for the tip's depth."""
    from matplotlib.patches import Patch

    reach = length * math.cos(math.radians(angle))
    try:
        edges = depth.boundaries(area_id)
    except ValueError:
        edges = None
    deepest = max(tip, max((edges.hypodermis_end or edges.dermis_end) if edges else (tip,)))
    bottom = deepest * 1.25 + 0.5
    right = max(reach, bottom * 0.6) + 2.0
    handles, seen = [], set()
    if edges is None:
        ax.text(right / 2, bottom / 2, "no reliable figure\nfor this area's layers", ha="center", va="center",
                fontsize=11, color="#555")
    else:
        for top, end, layers in layer_bands(area_id, bottom):
            handle, name = _draw_band(ax, top, end, layers, right)
            if name not in seen:
                handles.append(handle)
                seen.add(name)
        certain = depth.certain_depths(area_id, target)
        if certain is not None:
            certain_style: dict[str, Any] = {
                "facecolor": plotting.colour(CERTAIN_SHADE), "hatch": "..", "edgecolor": "white"}
            ax.axhspan(certain[0], min(certain[1], bottom), xmin=0.93, xmax=0.965, **certain_style)
            handles.append(Patch(**certain_style, label=f"certainly {target}"))
    if technique is not None:
        scheme = technique.scheme
        scheme_style: dict[str, Any] = {"facecolor": plotting.colour(SCHEME_SHADE), "hatch": "||", "edgecolor": "white"}
        ax.axhspan(scheme.from_mm, min(scheme.up_to_mm, bottom), xmin=0.965, xmax=1.0, **scheme_style)
        handles.append(Patch(**scheme_style, label=f"scheme: {technique.id}"))
    ax.plot([0, reach], [0, tip], color="#333", linewidth=2.5)
    ax.plot([reach], [tip], "o", color="black")
    ax.axhline(tip, color="black", linestyle="--", linewidth=1)
    left = reach < right / 2  # the label on the side with room for it, inside the axes
    ax.annotate(f"tip {tip:.2f} mm", (reach, tip), textcoords="offset points", xytext=(6 if left else -6, 6),
                ha="left" if left else "right", color="black",
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1})
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
    """Needle length and angle, area and target layer: where can the tip be?"""

    def __init__(self) -> None:
        kb = knowledge.load()
        # number boxes, not sliders: ipywidgets' slider handle has no accessible name for a screen
        # reader; a number box is labelled, and its arrow keys step the value as a slider's would
        self.needle_length = widgets.BoundedFloatText(value=4.0, min=0.5, max=13.0, step=0.5,
                                                      description="Needle length", continuous_update=True, style=WIDE,
                                                      layout=widgets.Layout(width="220px"))
        self.angle = widgets.BoundedIntText(value=30, min=5, max=90, step=5, description="Needle angle",
                                            continuous_update=True, style=WIDE, layout=widgets.Layout(width="220px"))
        self.area = widgets.Dropdown(options=[(a.name, a.id) for a in kb.areas.values()], description="Body area",
                                     style=WIDE)
        self.target = widgets.Dropdown(options=list(TARGETS), value="dermis", description="Target layer", style=WIDE)
        self.tip_readout = widgets.HTML(style={"font_size": "1.15em"})
        self.tip_readout.add_class("meso-tip-depth")  # a stable hook for browser tests
        self.layer_readout = widgets.HTML()
        self.verdict = widgets.HTML()
        self.below_the_fat = widgets.HTML()
        self.scheme_readout = widgets.HTML()
        self.figure = plotting.Picture()
        self.notes = widgets.HTML()
        self.tip_depth = 0.0
        self.layers: tuple[str, ...] | None = None
        for control in (self.needle_length, self.angle, self.area, self.target):
            control.observe(self.update, names="value")
        units = widgets.HTML("Needle length in mm inserted, angle in degrees between the needle and the skin surface "
                             "(90° = perpendicular); the arrow keys step them.")
        self.root = widgets.VBox([
            widgets.HBox([self.needle_length, self.angle]), units, widgets.HBox([self.area, self.target]),
            self.tip_readout, self.layer_readout, self.verdict, self.below_the_fat, self.scheme_readout,
            self.figure.widget, self.notes,
        ])
        self.update()

    def update(self, _change: object = None) -> None:
        """Recompute the tip depth, its possible layers and the scheme's name; redraw the cross-section."""
        area = knowledge.load().areas[self.area.value]
        self.tip_depth = depth.tip_depth_mm(self.needle_length.value, self.angle.value)
        self.tip_readout.value = f"Tip depth: {self.tip_depth:.2f} mm"
        try:
            self.layers, refusal = depth.possible_layers(self.tip_depth, area.id), ""
        except ValueError as error:
            self.layers, refusal = None, render.text(error)
        self.layer_readout.value = self._layer_text(refusal)
        self.verdict.value = self._verdict(area.name)
        self.below_the_fat.value = self._never_a_target(area.id)
        technique, beyond = self._technique()
        self.scheme_readout.value = self._scheme_text(technique, beyond, area.name)
        self.figure.show(plotting.png(lambda ax: draw_cross_section(
            ax, area.name, area.id, self.needle_length.value, self.angle.value, self.tip_depth, self.target.value,
            technique), (7.5, 4.5)), self._alt(area.name, area.id))
        self.notes.value = self._figures(area.id) + (technique_html(technique) if technique else "") \
            + render.fact_list(area.notes)

    def _alt(self, area_name: str, area_id: str) -> str:
        """What the cross-section shows, in words, from the same figures it draws."""
        where = ("no reliable figure for this area's layers" if self.layers is None
                 else f"where it can be in the {' or '.join(self.layers)}")
        text = (f"Cross-section of the {area_name}: a {self.needle_length.value:g} mm needle at {self.angle.value:g}° "
                f"reaches {self.tip_depth:.2f} mm below the surface, {where}.")
        if self.layers is not None:
            certain = depth.certain_depths(area_id, self.target.value)
            text += (f" Certainly in the {self.target.value}: from {certain[0]:g} to {certain[1]:g} mm." if certain
                     else f" No depth is certainly in the {self.target.value} here.")
        return text

    def _layer_text(self, refusal: str) -> str:
        if self.layers is None:
            return f"Layers the tip can be in: no reliable figure ({refusal})"
        if len(self.layers) == 1:
            return f"Layers the tip can be in: {layer_words(self.layers)}"
        return (f"Layers the tip can be in: {layer_words(self.layers)}: either, depending on the patient "
                "(the layer figures are ranges)")

    def _verdict(self, area_name: str) -> str:
        target, place = self.target.value, render.text(area_name)
        if self.layers is None:
            return render.box(f"⚠ The course cannot tell whether the tip is in the {target} here: no reliable figure.",
                              "#fdecea")
        if self.layers == (target,):
            return render.box(f"The tip is certainly in the <b>{target}</b> on the {place}.", "#eaf6ea")
        if target in self.layers:
            return render.box(f"⚠ Not certain: on the {place} the tip can be in {layer_words(self.layers)}, "
                              f"depending on the patient.", "#fff4d6")
        return render.box(f"⚠ The tip is not in the {target}: on the {place} it can only be in "
                          f"{layer_words(self.layers)}.",
                          "#fdecea")

    def _never_a_target(self, area_id: str) -> str:
        """The knowledge base's warning when the tip may be below the fat here, else ""."""
        fact = depth.never_a_target(self.layers or (), area_id)
        return render.box(f"⚠ <b>Never a target:</b> {render.fact_of(fact)}", "#fdecea") if fact else ""

    def _technique(self) -> tuple[schema.DepthTechnique | None, str]:
        """The scheme's technique for the tip's depth, or None and why (beyond the scheme)."""
        try:
            return depth.technique_values(depth.technique_for_depth(self.tip_depth)), ""
        except ValueError as error:
            return None, render.text(error)

    def _scheme_text(self, technique: schema.DepthTechnique | None, beyond: str, area_name: str) -> str:
        if technique is None:
            return f"<p>Teaching scheme: {beyond}.</p>"
        text = (f"<p>The teaching scheme calls this depth <b>{render.text(technique.name)}</b> "
                f"({render.text(scheme_range(technique))}).</p>")
        if self.layers is not None and technique.name_suggests not in self.layers:
            dispute = next(d for d in knowledge.load().disputes.disputes if d.id == NAMES_DISPUTE)
            text += render.box(
                f"⚠ The name points to the {technique.name_suggests}, but on the {render.text(area_name)} the tip can "
                f"only be in: {layer_words(self.layers)}. " + render.fact_of(dispute.verdict), "#fdecea")
        return text

    def _figures(self, area_id: str) -> str:
        try:
            edges = depth.boundaries(area_id)
        except ValueError as error:
            return f"<p>No reliable figure: {render.text(error)}</p>"
        return ("<p>Each layer figure is a range: where the low and the high end disagree, the cross-section hatches "
                f"the band and both layers are possible {render.citation(edges.sources)}.</p>")
