"""Injection depth: needle geometry, the skin layer a tip reaches, and the technique
that names a depth (contract: ``shared/specs/depth.md``).

Layer thicknesses and technique ranges come from the knowledge base with their
sources. A layer boundary is the high end of the range a source states (a tip
counts in the shallower layer while a source still puts that layer there); where
no reliable figure exists, the functions refuse rather than guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from course import knowledge
from course.knowledge import schema

LAYERS = ("epidermis", "dermis", "hypodermis", "deeper")


def _finite_number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def tip_depth_mm(needle_length_mm: float, angle_deg: float) -> float:
    """Depth of the needle tip below the skin surface: inserted length x sin(angle).

    The angle is between the needle and the skin surface (90 = perpendicular).
    """
    length = _finite_number(needle_length_mm, "needle_length_mm")
    angle = _finite_number(angle_deg, "angle_deg")
    if length <= 0:
        raise ValueError(f"needle_length_mm must be above 0, got {needle_length_mm!r}")
    if not 0 < angle <= 90:
        raise ValueError(f"angle_deg must be in (0, 90], got {angle_deg!r}")
    # Rounded to 1e-9 mm so that e.g. 1 mm at 30 degrees is 0.5 mm, not 0.49999999999999994:
    # boundaries such as the epidermal "< 0.5 mm" must see the geometric value.
    return round(length * math.sin(math.radians(angle)), 9)


@dataclass(frozen=True)
class LayerBoundaries:
    """Where each layer ends below the surface (mm) in one area, with sources.

    ``hypodermis_end`` is None when the area has no reliable fat figure.
    """

    area: str
    epidermis_end: float
    dermis_end: float
    hypodermis_end: float | None
    sources: tuple[str, ...]
    missing: str = ""


def _layers(area_id: str) -> dict[str, schema.LayerFigure]:
    """An area's layer figures, a finer site's own figures overriding its parent's."""
    kb = knowledge.load()
    if area_id not in kb.areas:
        raise ValueError(f"unknown area '{area_id}' (known: {', '.join(kb.areas)})")
    area = kb.areas[area_id]
    inherited = _layers(area.parent) if area.parent else {}
    return {**inherited, **area.layers}


def boundaries(area_id: str) -> LayerBoundaries:
    """Layer boundaries for ``area_id``; ``ValueError`` naming the area if it has no figures."""
    layers = _layers(area_id)
    area = knowledge.load().areas[area_id]
    skin = layers.get("epidermis_plus_dermis")
    epidermis, dermis = layers.get("epidermis"), layers.get("dermis")
    if epidermis is None or epidermis.range_mm is None or (skin or dermis) is None:
        reason = area.no_reliable_figure or "no reliable skin thickness figures"
        raise ValueError(f"area '{area_id}' has no reliable layer figures: {reason}")
    epidermis_end = epidermis.range_mm[1]
    dermis_end = skin.range_mm[1] if skin else epidermis_end + dermis.range_mm[1]  # type: ignore[union-attr,index]
    fat = layers.get("subcutaneous_fat")
    used = [figure for figure in (epidermis, skin or dermis, fat) if figure is not None]
    sources = tuple(dict.fromkeys(s for figure in used for s in figure.sources))
    if fat is None or fat.range_mm is None:
        missing = fat.no_reliable_figure if fat else "no subcutaneous fat figure"
        return LayerBoundaries(area_id, epidermis_end, dermis_end, None, sources, missing or "")
    return LayerBoundaries(area_id, epidermis_end, dermis_end, dermis_end + fat.range_mm[1], sources)


def layer_at(depth_mm: float, area: str) -> str:
    """The layer at ``depth_mm`` below the surface in ``area``.

    Returns ``"epidermis"``, ``"dermis"``, ``"hypodermis"`` or ``"deeper"``. Raises
    ``ValueError`` for a negative or non-finite depth, an unknown area, an area
    without reliable figures, or a depth below the dermis where the area's fat
    thickness is unknown (hypodermis and deeper cannot be told apart there).
    """
    depth = _finite_number(depth_mm, "depth_mm")
    if depth < 0:
        raise ValueError(f"depth_mm must be >= 0, got {depth_mm!r}")
    edges = boundaries(area)
    if depth <= edges.epidermis_end:
        return "epidermis"
    if depth <= edges.dermis_end:
        return "dermis"
    if edges.hypodermis_end is None:
        raise ValueError(
            f"area '{area}': {depth:g} mm is below the dermis, but there is no reliable figure "
            f"for its subcutaneous fat ({edges.missing})"
        )
    return "hypodermis" if depth <= edges.hypodermis_end else "deeper"


def _in_scheme(depth: float, scheme: schema.DepthRange) -> bool:
    below_top = depth <= scheme.up_to_mm if scheme.up_to_inclusive else depth < scheme.up_to_mm
    return depth >= scheme.from_mm and below_top


def technique_for_depth(depth_mm: float) -> str:
    """The technique of the teaching scheme whose depth range holds ``depth_mm``.

    Other sources' values (the SFM's, training sites') are kept beside each
    technique in the knowledge base: see :func:`technique_values`.
    """
    depth = _finite_number(depth_mm, "depth_mm")
    if depth < 0:
        raise ValueError(f"depth_mm must be >= 0, got {depth_mm!r}")
    techniques = knowledge.load().depth_techniques
    for technique in techniques.values():
        if _in_scheme(depth, technique.scheme):
            return technique.id
    deepest = list(techniques.values())[-1].scheme.up_to_mm
    raise ValueError(f"no technique of the teaching scheme reaches {depth:g} mm (the scheme ends at {deepest:g} mm)")


def technique_values(technique_id: str) -> schema.DepthTechnique:
    """The teaching-scheme range of a technique with every other source's values."""
    return knowledge.load().depth_techniques[technique_id]
