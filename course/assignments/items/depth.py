"""Depth questions: tip depth, the layer reached, the technique, a needle and angle.

Expected answers come from ``course.depth``: ``tip_depth_mm`` for the geometry,
``layer_at`` for the layer (``"no_reliable_figure"`` where it refuses an area or a
depth: the course never guesses), ``technique_for_depth`` for the technique, and
every allowed needle and angle whose tip depth falls in the target technique.
"""

from __future__ import annotations

from itertools import product
from typing import Literal

from pydantic import model_validator

from course import depth, knowledge
from course.assignments.questions import Field, Question

from .common import DataError, Item, allowed_help, competencies, names_of

NO_FIGURE = "no_reliable_figure"
TOLERANCE_MM = 0.05  # grading tolerance for a computed tip depth (rounding), not a clinical figure
Ask = Literal["tip_depth", "layer", "technique", "needle_and_angle"]
WEIGHTS = {"tip_depth": 1.0, "layer": 1.0, "technique": 1.0, "needle_and_angle": 2.0}


class DepthItem(Item):
    """A depth problem: a needle and angle, or a depth, and what to work out.

    ``needle_and_angle`` needs ``target_technique``, ``needles_mm`` and
    ``angles_deg`` (the needles and angles available).
    """

    type: Literal["depth"] = "depth"
    situation: str = ""
    needle_mm: float | None = None
    angle_deg: float | None = None
    depth_mm: float | None = None
    area: str | None = None
    target_technique: str | None = None
    needles_mm: tuple[float, ...] = ()
    angles_deg: tuple[float, ...] = ()
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
        if "needle_and_angle" in self.ask and not (self.target_technique and self.needles_mm and self.angles_deg):
            raise ValueError("needle_and_angle needs target_technique, needles_mm and angles_deg")
        return self


def _number(value: float) -> int | float:
    """4.0 -> 4 so that prompts and templates read naturally."""
    return int(value) if float(value).is_integer() else value


def _layer(depth_mm: float, area: str) -> str:
    try:
        return depth.layer_at(depth_mm, area)
    except ValueError:
        return NO_FIGURE


def reaching_combinations(item: DepthItem) -> list[dict[str, int | float]]:
    """Every available needle and angle whose tip lands in the target technique."""
    found = []
    for needle, angle in product(item.needles_mm, item.angles_deg):
        try:
            reached = depth.technique_for_depth(depth.tip_depth_mm(needle, angle))
        except ValueError:
            continue
        if reached == item.target_technique:
            found.append({"needle_mm": _number(needle), "angle_deg": _number(angle)})
    if not found:
        raise DataError(item, f"no available needle and angle reaches '{item.target_technique}'")
    return found


def _situation(item: DepthItem) -> str:
    parts = [item.situation] if item.situation else []
    if item.needle_mm is not None and item.angle_deg is not None:
        parts.append(f"A {_number(item.needle_mm)} mm needle is inserted fully at {_number(item.angle_deg)} degrees to the skin surface.")
    if item.depth_mm is not None:
        parts.append(f"You want to inject at {_number(item.depth_mm)} mm below the surface.")
    if item.area:
        parts.append(f"Area: {names_of('area')[item.area]} (`{item.area}`).")
    if item.target_technique:
        parts.append(f"Target: the {names_of('technique')[item.target_technique]} level (`{item.target_technique}`). "
                     f"Needles available (mm): {', '.join(str(_number(n)) for n in item.needles_mm)}; angles (degrees): "
                     f"{', '.join(str(_number(a)) for a in item.angles_deg)}.")
    return " ".join(parts)


def depth_question(item: DepthItem, title: str) -> Question:
    kb = knowledge.load()
    if item.area and item.area not in kb.areas:
        raise DataError(item, f"unknown area '{item.area}'")
    if item.target_technique and item.target_technique not in kb.depth_techniques:
        raise DataError(item, f"unknown technique '{item.target_technique}'")
    try:
        tip = (depth.tip_depth_mm(item.needle_mm, item.angle_deg)
               if item.needle_mm is not None and item.angle_deg is not None else item.depth_mm)
    except ValueError as error:
        raise DataError(item, str(error)) from None
    techniques, layers = tuple(kb.depth_techniques), (*depth.LAYERS, NO_FIGURE)
    fields = []
    for ask in item.ask:
        name = f"{item.id}_{ask}"
        if ask == "tip_depth":
            fields.append(Field(name, "tip depth", "number", WEIGHTS[ask], "tip_depth: the depth of the needle tip in mm, e.g. 1.25",
                                round(tip, 3), round(tip, 2), extra={"tolerance": TOLERANCE_MM}))
        elif ask == "layer":
            layer = _layer(tip, item.area)  # type: ignore[arg-type]
            fields.append(Field(name, "layer", "choice", WEIGHTS[ask], allowed_help("layer: one of", layers), layer, layer, layers))
        elif ask == "technique":
            try:
                technique = depth.technique_for_depth(tip)  # type: ignore[arg-type]
            except ValueError as error:
                raise DataError(item, str(error)) from None
            fields.append(Field(name, "technique", "choice", WEIGHTS[ask], allowed_help("technique: one of", techniques),
                                technique, technique, techniques))
        else:
            combinations = reaching_combinations(item)
            allowed = {"needle_mm": tuple(_number(n) for n in item.needles_mm), "angle_deg": tuple(_number(a) for a in item.angles_deg)}
            fields.append(Field(name, "needle and angle", "combination", WEIGHTS[ask],
                                "needle_and_angle: a needle length (mm) and an angle (degrees) from the ones available",
                                tuple(combinations), combinations[0], allowed, extra={"keys": ("needle_mm", "angle_deg")}))
    questions = {"tip_depth": "how deep the tip is (mm, 2 decimals)", "layer": "the layer it reaches",
                 "technique": "the technique of the teaching scheme for that depth",
                 "needle_and_angle": "a needle and an angle that put the tip at the target level"}
    prompt = f"### {title}\n{_situation(item)}\n\nWork out:\n" + "\n".join(f"- {questions[a]}" for a in item.ask)
    params = {"asks": "+".join(item.ask), **({"area": item.area} if item.area else {}), **item.params}
    return Question(item.id, title, prompt, tuple(fields), competencies(item, "depth"), item.critical, params)
