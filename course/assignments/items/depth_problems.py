"""Depth questions: tip depth, the layer reached, the technique, a needle and angle.

Expected answers come from ``course.depth``: ``tip_depth_mm`` for the geometry,
``possible_layers`` for the layer (``"no_reliable_figure"`` where it refuses an area
or a depth: the course never guesses), ``technique_for_depth`` for the technique, and
``placements`` for a needle and angle: a "which needle and angle" question targets a
layer on an area and accepts exactly the available combinations whose tip is
certainly in that layer there.

Layer figures are ranges, so the builder refuses case data that would grade a guess:
a needle/angle item whose placements are empty, and a "which layer" item whose depth
may lie in more than one layer, unless the item sets ``accept_possible_layers`` (then
every possible layer is graded right). It also refuses a tip on the edge of a band (a
layer boundary, or a level of the teaching scheme), where the answer would rest on a
boundary convention rather than on the figures, whether written or drawn as a variant.
Wherever a tip the item shows or offers may be below the fat ("deeper"), the prompt
quotes the knowledge base's statement of why that is never a target.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from course import depth, knowledge
from course.assignments.questions import AnswerField, Question

from .common import AssignmentItem, DataError, allowed_help, competencies, names_of

NO_FIGURE = "no_reliable_figure"
TOLERANCE_MM = 0.05  # grading tolerance for a computed tip depth (rounding), not a clinical figure
EDGE_MM = 0.005  # a tip this close to a band's edge is on it (the depth is shown to 2 decimals), not a clinical figure
Ask = Literal["tip_depth", "layer", "technique", "needle_and_angle"]
WEIGHTS = {"tip_depth": 1.0, "layer": 1.0, "technique": 1.0, "needle_and_angle": 2.0}
QUESTIONS = {
    "tip_depth": "how deep the tip is (mm, 2 decimals)",
    "layer": "the layer the tip is in, by the course's layer figures for this area",
    "technique": "the technique of the teaching scheme for that depth",
    "needle_and_angle": "a needle and an angle that put the tip certainly in the target layer on this area",
}
RANGES_NOTE = ("The course's layer figures are ranges: where the tip may be in either of two layers, "
               "depending on the patient, any layer it can be in counts.")
NAMES_NOTE = ("A technique's name in the teaching scheme is a depth band, not a layer: "
              "on thin skin the two can disagree (module 04).")


class DepthItem(AssignmentItem):
    """A depth problem: a needle and angle, or a depth, and what to work out.

    ``needle_and_angle`` needs ``area``, ``target_layer``, ``needles_mm`` and
    ``angles_deg`` (the needles and angles available). ``accept_possible_layers``
    lets a ``layer`` question at an ambiguous depth grade every possible layer right.
    """

    type: Literal["depth"] = "depth"
    situation: str = ""
    needle_mm: float | None = None
    angle_deg: float | None = None
    depth_mm: float | None = None
    area: str | None = None
    target_layer: str | None = None
    needles_mm: tuple[float, ...] = ()
    angles_deg: tuple[float, ...] = ()
    accept_possible_layers: bool = False
    ask: tuple[Ask, ...]

    @model_validator(mode="after")
    def _complete(self) -> "DepthItem":
        geometry = self.needle_mm is not None and self.angle_deg is not None
        if {"tip_depth", "layer", "technique"} & set(self.ask) and not (geometry or self.depth_mm is not None):
            raise ValueError("give needle_mm and angle_deg, or depth_mm")
        if "tip_depth" in self.ask and not geometry:
            raise ValueError("tip_depth needs needle_mm and angle_deg")
        if "layer" in self.ask and not self.area:
            raise ValueError("layer needs area")
        if "needle_and_angle" in self.ask and not (self.area and self.target_layer and self.needles_mm
                                                   and self.angles_deg):
            raise ValueError("needle_and_angle needs area, target_layer, needles_mm and angles_deg")
        if self.accept_possible_layers and "layer" not in self.ask:
            raise ValueError("accept_possible_layers is for an item that asks for the layer")
        return self


def _number(value: float) -> int | float:
    """4.0 -> 4 so that prompts and templates read naturally."""
    return int(value) if float(value).is_integer() else value


def layer_answers(item: DepthItem, tip: float) -> tuple[str, ...]:
    """The layers graded right for a ``layer`` question: the one layer the tip is in,
    ``no_reliable_figure`` where the course refuses, or every possible layer when the
    item accepts them all. ``DataError`` when the depth is ambiguous and the item does not."""
    try:
        found = depth.possible_layers(tip, item.area)  # type: ignore[arg-type]
    except ValueError:
        return (NO_FIGURE,)
    if len(found) > 1 and not item.accept_possible_layers:
        raise DataError(item, f"a tip at {tip:g} mm may be in {' or '.join(found)} on '{item.area}' (the layer figures "
                              "are ranges): use a depth in a single layer, or set accept_possible_layers: true", "ask")
    return found


def reaching_combinations(item: DepthItem) -> list[dict[str, int | float]]:
    """Every available needle and angle whose tip is certainly in the target layer on the item's area."""
    try:
        found = depth.placements(item.area, item.target_layer, item.needles_mm, item.angles_deg)  # type: ignore[arg-type]
    except ValueError as error:
        raise DataError(item, str(error), "target_layer") from None
    if not found:
        raise DataError(item, f"no available needle and angle puts the tip certainly in the {item.target_layer} "
                              f"on '{item.area}'", "target_layer")
    return [{"needle_mm": _number(needle), "angle_deg": _number(angle)} for needle, angle in found]


def _tips(item: DepthItem, tip: float | None) -> list[float]:
    """Every tip depth the item shows or offers: its own tip, or each available needle and angle."""
    offered = [depth.tip_depth_mm(n, a) for n in item.needles_mm for a in item.angles_deg]
    return ([tip] if tip is not None else []) + offered


def _layer_edges(area: str) -> tuple[float, ...]:
    """Where a layer can start or end on ``area`` (none where the course has no figures)."""
    try:
        edges = depth.boundaries(area)
    except ValueError:
        return ()
    return (*edges.epidermis_end, *edges.dermis_end, *(edges.hypodermis_end or ()))


def _refuse_band_edges(item: DepthItem, tip: float | None) -> None:
    """``DataError`` when a graded tip lies on a band's edge: which side it is on is a convention."""
    checks = []
    if "technique" in item.ask and tip is not None:
        schemes = [t.scheme for t in knowledge.load().depth_techniques.values()]
        checks.append(([tip], {e for s in schemes for e in (s.from_mm, s.up_to_mm) if e > 0},
                       "a teaching-scheme level"))
    if item.area and ({"layer", "needle_and_angle"} & set(item.ask)):
        checks.append((_tips(item, tip), set(_layer_edges(item.area)), f"a layer on '{item.area}'"))
    for tips, edges, what in checks:
        for value in tips:
            on = [edge for edge in edges if abs(value - edge) < EDGE_MM]
            if on:
                raise DataError(item, f"a tip at {value:.2f} mm is on the edge of {what} ({on[0]:g} mm): the answer "
                                      "would rest on a boundary convention; use a needle, angle or depth off the edge",
                                "ask")


def below_the_fat_warning(item: DepthItem, tip: float | None) -> str:
    """The knowledge base's "never a target" statement when a tip the item shows or offers
    may be below the fat on its area; "" otherwise."""
    if not item.area:
        return ""
    for value in _tips(item, tip):
        try:
            fact = depth.never_a_target(depth.possible_layers(value, item.area), item.area)
        except ValueError:
            continue
        if fact is not None:
            return knowledge.load().sentence(fact)
    return ""


def _situation(item: DepthItem) -> str:
    parts = [item.situation] if item.situation else []
    if item.needle_mm is not None and item.angle_deg is not None:
        parts.append(f"A {_number(item.needle_mm)} mm needle is inserted fully "
                     f"at {_number(item.angle_deg)} degrees to the skin surface.")
    if item.depth_mm is not None:
        parts.append(f"You want to inject at {_number(item.depth_mm)} mm below the surface.")
    if item.area:
        parts.append(f"Area: {names_of('area')[item.area]} (`{item.area}`).")
    if item.target_layer:
        parts.append(f"Target: the tip in the {item.target_layer} (`{item.target_layer}`) of this area. "
                     f"Needles available (mm): {', '.join(str(_number(n)) for n in item.needles_mm)}; "
                     f"angles (degrees): {', '.join(str(_number(a)) for a in item.angles_deg)}.")
    if item.accept_possible_layers:
        parts.append(RANGES_NOTE)
    if "layer" in item.ask and "technique" in item.ask:
        parts.append(NAMES_NOTE)
    warning = below_the_fat_warning(item, _tip(item))
    if warning:
        parts.append(f"**Below the fat:** {warning}")
    return " ".join(parts)


def _tip(item: DepthItem) -> float | None:
    try:
        if item.needle_mm is not None and item.angle_deg is not None:
            return depth.tip_depth_mm(item.needle_mm, item.angle_deg)
    except ValueError as error:
        raise DataError(item, str(error), "needle_mm") from None
    return item.depth_mm


def _field(item: DepthItem, ask: str, tip: float | None) -> AnswerField:
    kb = knowledge.load()
    name, weight = f"{item.id}_{ask}", WEIGHTS[ask]
    if ask == "tip_depth":
        return AnswerField(name, "tip depth", "number", weight,
                           "tip_depth: the depth of the needle tip in mm, e.g. 1.25",
                           round(tip, 3), round(tip, 2), extra={"tolerance": TOLERANCE_MM})  # type: ignore[arg-type]
    if ask == "layer":
        layers, right = (*depth.LAYERS, NO_FIGURE), layer_answers(item, tip)  # type: ignore[arg-type]
        extra = {"accepted": right} if len(right) > 1 else {}
        return AnswerField(name, "layer", "choice", weight, allowed_help("layer: one of", layers), right[-1], right[-1],
                           layers, extra=extra)
    if ask == "technique":
        try:
            technique = depth.technique_for_depth(tip)  # type: ignore[arg-type]
        except ValueError as error:
            raise DataError(item, str(error), "ask") from None
        techniques = tuple(kb.depth_techniques)
        return AnswerField(name, "technique", "choice", weight, allowed_help("technique: one of", techniques),
                           technique, technique, techniques)
    combinations = reaching_combinations(item)
    allowed = {"needle_mm": tuple(_number(n) for n in item.needles_mm),
               "angle_deg": tuple(_number(a) for a in item.angles_deg)}
    return AnswerField(name, "needle and angle", "combination", weight,
                       "needle_and_angle: a needle length (mm) and an angle (degrees) from the ones available",
                       tuple(combinations), combinations[0], allowed, extra={"keys": ("needle_mm", "angle_deg")})


def depth_question(item: DepthItem, title: str) -> Question:
    kb = knowledge.load()
    if item.area and item.area not in kb.areas:
        raise DataError(item, f"unknown area '{item.area}'", "area")
    if item.target_layer and item.target_layer not in depth.LAYERS:
        raise DataError(item, f"unknown layer '{item.target_layer}' (known: {', '.join(depth.LAYERS)})", "target_layer")
    tip = _tip(item)
    _refuse_band_edges(item, tip)
    fields = tuple(_field(item, ask, tip) for ask in item.ask)
    prompt = f"### {title}\n{_situation(item)}\n\nWork out:\n" + "\n".join(f"- {QUESTIONS[a]}" for a in item.ask)
    params = {"asks": "+".join(item.ask), **({"area": item.area} if item.area else {}), **item.params}
    return Question(item.id, title, prompt, tuple(fields), competencies(item, "depth"), item.critical, params)
