"""Depth items: a needle inserted at an angle on an area, answered by ``course.depth``.

Parameters: ``needle_mm``, ``angle_deg`` and ``area``. Asks: ``tip_depth`` (numeric,
the graded depth assignment's tolerance), ``layer`` (single choice: refused when the
layer figures' ranges leave more than one layer possible) and ``layers`` (every layer
the tip can be in).
The layers come from ``course.depth.possible_layers`` (depth contract v3), as in the
graded depth assignment; where the tip may be below the fat, the explanation quotes the
knowledge base's statement of why that is never a target (``course.depth.never_a_target``),
whatever the ask.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from course import depth, knowledge
from course.assignments.items.depth_problems import TOLERANCE_MM

from .common import Ambiguous, Built, Spec, choice_item, numeric_item

PARAMETERS = ("needle_mm", "angle_deg", "area")
ASKS = ("tip_depth", "layer", "layers")


def _number(value: float) -> str:
    return f"{value:g}"


def _span(span: tuple[float, float]) -> str:
    """A boundary the sources state as a range, e.g. 1-1.15 mm (or 1 mm when both ends agree)."""
    low, high = span
    return f"{low:g} mm" if low == high else f"{low:g}-{high:g} mm"


def _below_the_fat(tip: float, area: str) -> tuple[str, tuple[str, ...]]:
    """The knowledge base's "never a target" sentence and its sources when the tip may be
    below the fat on ``area`` (``course.depth.never_a_target``); empty otherwise."""
    try:
        fact = depth.never_a_target(depth.possible_layers(tip, area), area)
    except ValueError:  # no reliable figure at this depth: the explanation says so instead
        return "", ()
    return (f" {knowledge.load().sentence(fact)}", fact.sources) if fact else ("", ())


def build(spec: Spec, parameters: Mapping[str, Any]) -> Built:
    needle, angle, area = parameters["needle_mm"], parameters["angle_deg"], parameters["area"]
    kb = knowledge.load()
    tip = depth.tip_depth_mm(needle, angle)
    geometry = (f"tip depth = {_number(needle)} mm x sin({_number(angle)} degrees) = {tip:.2f} mm")
    stem = (f"A {_number(needle)} mm needle is inserted fully at {_number(angle)} degrees to the skin surface "
            f"({kb.areas[area].name}).")
    warning, warning_sources = _below_the_fat(tip, area)
    if spec.ask == "tip_depth":
        return numeric_item(spec, f"{stem} How deep is the tip, in mm?", tip, TOLERANCE_MM, "mm",
                            f"By the engine: {geometry}.{warning}", warning_sources)
    layers = depth.possible_layers(tip, area)
    edges = depth.boundaries(area)
    explanation = (f"By the engine: {geometry}; on this area the layer figures put it in: {', '.join(layers)} "
                   f"(the epidermis ends at {_span(edges.epidermis_end)}, the skin at {_span(edges.dermis_end)}"
                   + (f", the fat at {_span(edges.hypodermis_end)})." if edges.hypodermis_end is not None else ").")
                   + warning)
    cited = tuple(dict.fromkeys((*edges.sources, *warning_sources)))
    options = [(layer, layer) for layer in depth.LAYERS]
    if spec.ask == "layer":
        if len(layers) != 1:
            raise Ambiguous(f"a tip at {tip:.2f} mm on '{area}' can be in {', '.join(layers)}: ask for 'layers'")
        return choice_item(spec, f"{stem} Which layer does the tip reach?", options, layers[0], explanation, cited)
    return choice_item(spec, f"{stem} Which layers can the tip be in, given the ranges the sources state? "
                       "Tick every one.", options, layers, explanation, cited)
