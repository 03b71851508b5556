"""Parameter ranges of an item: what may change from one trainee's variant to another's.

An item of an assignment's YAML file may declare, beside its one written patient or
problem, named parameters that the variant builder (``course.assignments.variants``)
draws afresh for each variant::

    - id: case_03
      who: "{name}, {age}, took aspirin she bought at the pharmacy {days} days ago."
      patient: {medications: [{id: aspirin, days_since_last_dose: 5, prescribed: false}]}
      cocktail: [hyaluronic_acid, amino_acids]
      vary:
        days: {path: patient.medications.0.days_since_last_dose, range: [1, 13]}
        name: {choices: [Chloe, Carla, Celia]}
        age: {range: [25, 65]}
      keep: [decision, reasons]

A parameter with a ``path`` sets that field of the item (dotted keys, list positions
as numbers); one with ``paths`` sets several fields together, each choice a list of their
values in order (a clinic's source with an area it has a protocol for); every parameter,
with or without a path, fills its ``{name}`` in the item's text (``who``, ``situation``).
``range`` is inclusive (integers, dates, or numbers on a ``step``); ``choices`` lists the values.
The written item takes, for a parameter without a path, its first choice or the low end of its range.

``keep`` lists what every variant must share with the written item: a scenario tag of the
question (``decision``, ``contraindication``, ``protocol``, ``deferred``, ``asks``, ``area``)
or an answer (``reasons``, ``layer``, ``technique``...: the field ``<id>_<name>``). By
default nothing: a variant keeps the item's competency, answer cell and (a screening case)
rule family, and its answers may differ, so that copying another variant does not pay.
The answers are always computed by the engines.
"""

from __future__ import annotations

import copy
import random
import string
from datetime import date, timedelta
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, model_validator

TEXT_FIELDS = ("who", "situation")
Value = Any


class Parameter(BaseModel):
    """One named parameter: a ``path`` into the item (or none: text only) and its values."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str | None = None
    paths: tuple[str, ...] | None = None  # several fields set together: each choice lists their values
    range: tuple[int, int] | tuple[date, date] | tuple[float, float] | None = None
    step: float | None = None
    choices: tuple[Any, ...] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "Parameter":
        if (self.range is None) == (self.choices is None):
            raise ValueError("give either range or choices")
        if self.choices is not None and not self.choices:
            raise ValueError("choices is empty")
        if self.paths is not None:
            if self.path is not None or self.choices is None:
                raise ValueError("paths takes choices, and no path beside it")
            for choice in self.choices:
                if not isinstance(choice, (list, tuple)) or len(choice) != len(self.paths):
                    raise ValueError(f"each choice lists one value per path ({len(self.paths)}): {choice!r}")
        if self.range is not None:
            low, high = cast("tuple[Any, Any]", self.range)  # a pair of one type (pydantic checked it)
            if low > high:
                raise ValueError(f"range low end {low} is above its high end {high}")
            is_float = any(isinstance(v, float) for v in self.range)
            if is_float and not self.step:
                raise ValueError("a range of decimal numbers needs a step")
            if self.step is not None and self.step <= 0:
                raise ValueError("step must be positive")
        return self

    def targets(self) -> tuple[str, ...]:
        """The fields this parameter sets: its path, its paths, or none (text only)."""
        return self.paths or ((self.path,) if self.path else ())

    def assignments(self, value: Value) -> list[tuple[str, Value]]:
        """(field, value) pairs that a drawn ``value`` sets."""
        return list(zip(self.paths, value)) if self.paths else [(self.path, value)] if self.path else []

    @property
    def first(self) -> Value:
        """The written item's value of a parameter without a path."""
        return self.choices[0] if self.choices is not None else self.range[0]  # type: ignore[index]

    def size(self) -> int:
        """How many values there are to draw from."""
        if self.choices is not None:
            return len(self.choices)
        low, high = cast("tuple[Any, Any]", self.range)  # no choices: a range
        if isinstance(low, date):
            return (high - low).days + 1
        if self.step:
            return int(round((high - low) / self.step)) + 1
        return high - low + 1

    def value(self, index: int) -> Value:
        """The ``index``-th value (0-based, below :meth:`size`)."""
        if self.choices is not None:
            return copy.deepcopy(self.choices[index])
        low = self.range[0]  # type: ignore[index]
        if isinstance(low, date):
            return low + timedelta(days=index)
        if self.step:
            return round(low + index * self.step, 6)
        return low + index

    def draw(self, rng: random.Random) -> Value:
        return self.value(rng.randrange(self.size()))


def text_names(text: str) -> set[str]:
    """The ``{name}`` placeholders of an item's text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def read_path(data: Any, path: str) -> Value:
    node = data
    for key in path.split("."):
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def set_path(data: dict[str, Any], path: str, value: Value) -> None:
    """Set ``path`` (dotted keys, list positions as numbers) in the item's plain data."""
    *parents, last = path.split(".")
    node: Any = data
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def shown(value: Value) -> str:
    """A value as the item's text shows it (4.0 -> 4, dates ISO)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.isoformat() if isinstance(value, date) else str(value)
