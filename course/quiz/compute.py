"""Reproduce an item's answer with the course's engines, so no quiz answer is typed twice.

An item's ``compute`` names an engine and its arguments; the engine's result is
narrowed and compared with the item's ``answer``:

- ``engine``: a key of :data:`ENGINES` (``tip_depth_mm``, ``layer_at``, ``screen``, ``triage`` of a
  reaction on the day it began, ...).
- ``args``: keyword arguments. An argument that is itself a mapping with an
  ``engine`` key is computed first, e.g. ``layer_at`` of a ``tip_depth_mm``.
- ``field``: a dotted path into the result: ``decision``, ``sessions[-1]``,
  ``pre_treatment[stop_aspirin_nsaid].date``. ``[n]`` indexes a sequence,
  ``[word]`` picks the element whose ``id`` is ``word``, and a name applied to a
  list is applied to each element (``code`` of a list of violations).
- ``count``: the result is the number of elements.
- ``format``: a ``str.format`` pattern applied to each element of a list result (a
  tuple element is unpacked), turning e.g. ``placements``' (needle, angle) pairs into
  option IDs: ``"{0:g}mm-{1:g}deg"`` gives ``"1.5mm-30deg"``.
- ``equals``: the result is whether the value equals this (for true/false items).

Values are normalised before comparing: dates to ``YYYY-MM-DD``, sets to sorted lists.
A numeric answer must equal the engine's value rounded to 2 decimals.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from course import cocktail, depth, scheduling, screening, triage

from .bank import Compute, Item

SEGMENT = re.compile(r"^(\w*)(?:\[([^\]]+)\])?$")


ENGINES: dict[str, Callable[..., Any]] = {
    "tip_depth_mm": depth.tip_depth_mm,
    "layer_at": depth.layer_at,
    "technique_for_depth": depth.technique_for_depth,
    "possible_layers": depth.possible_layers,
    "placements": depth.placements,
    "screen": screening.screen,
    "plan_course": scheduling.plan_course,
    "validate_schedule": scheduling.validate_schedule,
    "validate_maintenance": scheduling.validate_maintenance,
    "check_cocktail": cocktail.check_cocktail,
    "triage": triage.triage_on,
}


def _normalise(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(_normalise(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_normalise(v) for v in value]
    return value


def _step(value: Any, name: str, key: str | None) -> Any:
    if name:
        if isinstance(value, (list, tuple)):
            return [getattr(element, name) for element in value]
        value = getattr(value, name)
    if key is None:
        return value
    if re.fullmatch(r"-?\d+", key):
        return value[int(key)]
    for element in value:
        if getattr(element, "id", None) == key:
            return element
    raise ValueError(f"no element with id '{key}'")


def select(value: Any, path: str) -> Any:
    """The part of an engine result that ``path`` names (see the module docstring)."""
    for segment in filter(None, path.split(".")):
        match = SEGMENT.match(segment)
        if not match:
            raise ValueError(f"bad field segment '{segment}'")
        value = _step(value, match.group(1), match.group(2))
    return value


def _arguments(args: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: evaluate(Compute.model_validate(value)) if isinstance(value, Mapping) and "engine" in value else value
        for name, value in args.items()
    }


def evaluate(spec: Compute) -> Any:
    """Run the engine ``spec`` names and narrow its result; ``ValueError`` if it cannot."""
    if spec.engine not in ENGINES:
        raise ValueError(f"unknown engine '{spec.engine}' (known: {', '.join(ENGINES)})")
    try:
        value = select(ENGINES[spec.engine](**_arguments(spec.args)), spec.field)
        if spec.format:
            value = [spec.format.format(*e) if isinstance(e, (list, tuple)) else spec.format.format(e) for e in value]
    except (TypeError, AttributeError, IndexError, KeyError) as error:
        raise ValueError(f"engine '{spec.engine}' failed: {error}") from None
    if spec.count:
        value = len(value)
    value = _normalise(value)
    if "equals" in spec.model_fields_set:
        return value == _normalise(spec.equals)
    return value


def agrees(item: Item, value: Any) -> bool:
    """Whether an engine's (normalised) value is the item's answer."""
    answer = item.answer
    if item.type == "numeric":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isclose(
            float(answer), round(value, 2), abs_tol=1e-9  # type: ignore[arg-type]
        )
    if item.type == "multiple_choice":
        return isinstance(value, list) and set(answer) == set(value)  # type: ignore[arg-type]
    if item.type == "ordering":
        return list(answer) == value  # type: ignore[arg-type]
    return answer == value and type(answer) is type(value)  # single_choice (str), true_false (bool)
