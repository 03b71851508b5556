"""Injection depth: needle geometry, the skin layers a tip can be in, the placements that
certainly reach a layer, and the technique that names a depth (contract:
``shared/specs/depth.md``, version 3: facial skin is a range, a finer site uses its own
measurement where a source made one, and below the facial fat is never a target).

Layer figures are ranges. The knowledge base states, per area, the epidermis as
``e_lo``-``e_hi`` mm, the skin (epidermis + dermis) as ``s_lo``-``s_hi`` mm and the
fat below it as ``f_lo``-``f_hi`` mm thick, each with its sources; nothing is averaged.
:func:`possible_layers` gives every layer a tip can be in under those ranges
(``d <= e_hi`` epidermis, ``e_lo < d <= s_hi`` dermis, ``s_lo < d <= s_hi + f_hi``
hypodermis, ``d > s_lo + f_lo`` deeper).

Boundary convention of :func:`layer_at`: **the deepest layer the tip can be in**, i.e. a
layer boundary sits at the *low* end of each stated range (epidermis to ``e_lo``, dermis
to ``s_lo``, fat to ``s_lo + f_lo``), a depth exactly on a boundary belonging to the
shallower layer. The course warns early: as soon as any stated figure puts the tip in a
deeper layer, ``layer_at`` names that layer, so a deep placement is never under-warned
(with the high ends, the generic face's fat ran to 7 mm although the forehead's ends at
3 mm). It is always the last element of ``possible_layers``, and it refuses exactly
where ``possible_layers`` refuses. Graded and taught questions do not rely on it alone:
a "which layer" answer uses a depth whose ``possible_layers`` is a single layer or
accepts every possible layer, and a "which needle and angle" answer is ``placements``.

Where no reliable figure exists, the functions refuse rather than guess. Wherever a tip
may be ``"deeper"`` than the fat, :func:`never_a_target` gives the knowledge base's
statement of what lies there and why it is never a target, for every view to show.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from course import knowledge
from course.knowledge import schema

LAYERS = ("epidermis", "dermis", "hypodermis", "deeper")
Span = tuple[float, float]  # (low, high) mm below the surface, from the low and high ends of the ranges


def _finite_number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _needle(value: object, name: str = "needle_length_mm") -> float:
    length = _finite_number(value, name)
    if length <= 0:
        raise ValueError(f"{name} must be above 0, got {value!r}")
    return length


def _angle(value: object, name: str = "angle_deg") -> float:
    angle = _finite_number(value, name)
    if not 0 < angle <= 90:
        raise ValueError(f"{name} must be in (0, 90], got {value!r}")
    return angle


def _depth(value: object) -> float:
    depth = _finite_number(value, "depth_mm")
    if depth < 0:
        raise ValueError(f"depth_mm must be >= 0, got {value!r}")
    return depth


def _mm(value: float) -> float:
    # Rounded to 1e-9 mm so that sums and sines of decimal figures compare as written:
    # 1 mm at 30 degrees is 0.5 mm (not 0.49999999999999994), 0.15 + 2.0 is 2.15.
    return round(value, 9)


def tip_depth_mm(needle_length_mm: float, angle_deg: float) -> float:
    """Depth of the needle tip below the skin surface: inserted length x sin(angle).

    The angle is between the needle and the skin surface (90 = perpendicular).
    """
    length, angle = _needle(needle_length_mm), _angle(angle_deg)
    return _mm(length * math.sin(math.radians(angle)))


@dataclass(frozen=True)
class LayerBoundaries:
    """Where each layer can end below the surface (mm) in one area, with its sources.

    Each boundary is a span (low, high) built from the low and high ends of the stated
    figures: the epidermis ends within ``epidermis_end``, the skin (epidermis + dermis)
    within ``dermis_end`` and the subcutaneous fat within ``hypodermis_end``, which is
    None when the area has no reliable fat figure (``missing`` says why).
    """

    area: str
    epidermis_end: Span
    dermis_end: Span
    hypodermis_end: Span | None
    sources: tuple[str, ...]
    missing: str = ""


def layer_figures(area_id: str) -> dict[schema.LayerName, schema.LayerFigure]:
    """An area's layer figures, a finer site's own figures overriding its parent's (those it
    does not state it inherits: its source measured no figure for that site)."""
    kb = knowledge.load()
    if area_id not in kb.areas:
        raise ValueError(f"unknown area '{area_id}' (known: {', '.join(kb.areas)})")
    area = kb.areas[area_id]
    inherited = layer_figures(area.parent) if area.parent else {}
    return inherited | area.layers


def below_the_fat(area_id: str) -> schema.Fact | None:
    """What lies under the fat of ``area_id`` and why a tip there is never a target (a finer
    site takes its parent's statement); None where the knowledge base states none."""
    kb = knowledge.load()
    if area_id not in kb.areas:
        raise ValueError(f"unknown area '{area_id}' (known: {', '.join(kb.areas)})")
    area = kb.areas[area_id]
    return below_the_fat(area.parent) if area.below_the_fat is None and area.parent else area.below_the_fat


def never_a_target(layers: Iterable[str], area_id: str) -> schema.Fact | None:
    """The area's :func:`below_the_fat` statement when ``layers`` (the layers a tip can be
    in) include ``"deeper"``: the warning every view of such a placement shows. Else None."""
    return below_the_fat(area_id) if "deeper" in layers else None


def _figure(figure: schema.LayerFigure | None) -> Span | None:
    return figure.range_mm if figure is not None and figure.range_mm is not None else None


def boundaries(area_id: str) -> LayerBoundaries:
    """Layer boundaries for ``area_id``; ``ValueError`` naming the area if it has no figures."""
    layers = layer_figures(area_id)
    area = knowledge.load().areas[area_id]
    epidermis = _figure(layers.get("epidermis"))
    skin, dermis = _figure(layers.get("epidermis_plus_dermis")), _figure(layers.get("dermis"))
    if epidermis is None or (skin or dermis) is None:
        reason = area.no_reliable_figure or "no reliable skin thickness figures"
        raise ValueError(f"area '{area_id}' has no reliable layer figures: {reason}")
    if skin is None:
        skin = (_mm(epidermis[0] + dermis[0]), _mm(epidermis[1] + dermis[1]))  # type: ignore[index]
    if epidermis[1] > skin[0]:
        raise ValueError(f"area '{area_id}': the epidermis ({epidermis[1]:g} mm) may end below the skin "
                         f"({skin[0]:g} mm): the layer figures are inconsistent")
    used = [layers[name] for name in ("epidermis", "epidermis_plus_dermis", "dermis", "subcutaneous_fat")
            if name in layers]
    sources = tuple(dict.fromkeys(s for figure in used for s in figure.sources))
    fat_figure = layers.get("subcutaneous_fat")
    fat = _figure(fat_figure)
    if fat is None:
        missing = fat_figure.no_reliable_figure if fat_figure else "no subcutaneous fat figure"
        return LayerBoundaries(area_id, epidermis, skin, None, sources, missing or "")
    return LayerBoundaries(area_id, epidermis, skin, (_mm(skin[0] + fat[0]), _mm(skin[1] + fat[1])), sources)


def possible_layers(depth_mm: float, area: str) -> tuple[str, ...]:
    """Every layer a tip at ``depth_mm`` can be in on ``area``, shallowest first.

    From the low and high ends of each layer figure (see the module docstring); the
    layers are contiguous in :data:`LAYERS` order. Raises ``ValueError`` for a negative
    or non-finite depth, an unknown area, an area without reliable figures, or a depth
    that may lie below the dermis where the area's fat thickness is unknown.
    """
    depth = _depth(depth_mm)
    edges = boundaries(area)
    (epidermis_lo, epidermis_hi), (skin_lo, skin_hi) = edges.epidermis_end, edges.dermis_end
    found = []
    if depth <= epidermis_hi:
        found.append("epidermis")
    if epidermis_lo < depth <= skin_hi:
        found.append("dermis")
    if depth > skin_lo:
        if edges.hypodermis_end is None:
            raise ValueError(
                f"area '{area}': {depth:g} mm may lie below the dermis (the skin is {skin_lo:g}-{skin_hi:g} mm "
                f"thick), and there is no reliable figure for its subcutaneous fat ({edges.missing})"
            )
        fat_lo, fat_hi = edges.hypodermis_end
        if depth <= fat_hi:
            found.append("hypodermis")
        if depth > fat_lo:
            found.append("deeper")
    return tuple(found)


def layer_at(depth_mm: float, area: str) -> str:
    """The layer at ``depth_mm`` below the surface in ``area``: the deepest it can be in.

    Returns ``"epidermis"``, ``"dermis"``, ``"hypodermis"`` or ``"deeper"``, always the
    last of :func:`possible_layers` (the course's boundary convention: a deeper layer is
    named as soon as a stated figure puts the tip there). Raises ``ValueError`` exactly
    where ``possible_layers`` does.
    """
    return possible_layers(depth_mm, area)[-1]


def layers_between(top_mm: float, bottom_mm: float, area: str) -> tuple[str, ...]:
    """Every layer a tip anywhere from ``top_mm`` to ``bottom_mm`` can be in on ``area``.

    From the shallowest possible layer at the top to the deepest at the bottom (possible
    layers are contiguous and monotonic): e.g. what a technique's depth band can reach on
    an area. Same errors as :func:`possible_layers`, for either end.
    """
    top, bottom = _depth(top_mm), _depth(bottom_mm)
    if top > bottom:
        raise ValueError(f"top_mm ({top:g}) must not be below bottom_mm ({bottom:g})")
    first, last = possible_layers(top, area)[0], possible_layers(bottom, area)[-1]
    return LAYERS[LAYERS.index(first): LAYERS.index(last) + 1]


def certain_depths(area: str, layer: str) -> tuple[float, float] | None:
    """The depths at which a tip is certainly in ``layer`` on ``area`` (only that layer by
    every stated figure), as (top, bottom) mm: from just below ``top`` down to ``bottom``
    inclusive (from 0 inclusive for the epidermis; ``math.inf`` for "deeper"). None when
    no depth is certain, e.g. the fat of an area without a reliable fat figure.
    ``ValueError`` for an unknown area or layer, or an area without reliable figures.
    """
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r} (known: {', '.join(LAYERS)})")
    edges = boundaries(area)
    (epidermis_lo, epidermis_hi), (skin_lo, skin_hi) = edges.epidermis_end, edges.dermis_end
    fat = edges.hypodermis_end
    spans = {
        "epidermis": (0.0, epidermis_lo),
        "dermis": (epidermis_hi, skin_lo),
        "hypodermis": (skin_hi, fat[0]) if fat else None,
        "deeper": (fat[1], math.inf) if fat else None,
    }
    span = spans[layer]
    return span if span is not None and span[0] < span[1] else None


def placements(area: str, layer: str, needles_mm: Iterable[float],
               angles_deg: Iterable[float]) -> list[tuple[float, float]]:
    """Every (needle, angle) whose tip, inserted fully, is certainly in ``layer`` on ``area``.

    Needles outer, angles inner, in the order given: a combination counts when
    ``possible_layers(tip_depth_mm(needle, angle), area) == (layer,)`` (a depth the
    course cannot place, for want of a reliable figure, is not certain). An empty list
    when none is. ``ValueError`` for an unknown area or layer, or any invalid needle or angle.
    """
    if area not in knowledge.load().areas:
        raise ValueError(f"unknown area '{area}' (known: {', '.join(knowledge.load().areas)})")
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r} (known: {', '.join(LAYERS)})")
    needles = [_needle(n, "needles_mm") for n in _sequence(needles_mm, "needles_mm")]
    angles = [_angle(a, "angles_deg") for a in _sequence(angles_deg, "angles_deg")]
    found = []
    for needle in needles:
        for angle in angles:
            try:
                certain = possible_layers(tip_depth_mm(needle, angle), area) == (layer,)
            except ValueError:  # no reliable figure at this depth: not certainly anywhere
                certain = False
            if certain:
                found.append((needle, angle))
    return found


def _sequence(values: object, name: str) -> list[object]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{name} must be a list of numbers, got {values!r}")
    return list(values)


def _in_scheme(depth: float, scheme: schema.DepthRange) -> bool:
    below_top = depth <= scheme.up_to_mm if scheme.up_to_inclusive else depth < scheme.up_to_mm
    return depth >= scheme.from_mm and below_top


def technique_for_depth(depth_mm: float) -> str:
    """The technique of the teaching scheme whose depth range holds ``depth_mm``.

    Other sources' values (the SFM's, training sites') are kept beside each
    technique in the knowledge base: see :func:`technique_values`. A technique's name
    is a depth band, not a layer: on thin facial skin the "intradermal" bands put the
    tip in fat (see :func:`possible_layers`).
    """
    depth = _depth(depth_mm)
    techniques = knowledge.load().depth_techniques
    for technique in techniques.values():
        if _in_scheme(depth, technique.scheme):
            return technique.id
    deepest = list(techniques.values())[-1].scheme.up_to_mm
    raise ValueError(f"no technique of the teaching scheme reaches {depth:g} mm (the scheme ends at {deepest:g} mm)")


def technique_values(technique_id: str) -> schema.DepthTechnique:
    """The teaching-scheme range of a technique with every other source's values."""
    return knowledge.load().depth_techniques[technique_id]
