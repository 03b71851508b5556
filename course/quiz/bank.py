"""Quiz banks: the YAML shape of a bank and of its items.

A bank is ``quizzes/NN_slug.yaml`` (one per teaching module ``NN``)::

    module: "04"
    title: Skin layers and injection depth
    items:
      - id: depth-01
        competency: depth              # a knowledge-base competency ID
        difficulty: easy               # easy | medium | hard
        type: numeric                  # see ITEM_TYPES
        stem: ...
        answer: 2.0
        tolerance: 0.1                 # numeric only, with unit and feedback
        unit: mm
        feedback: {right: ..., wrong: ...}
        sources: [dermotherap]         # knowledge-base source IDs
        compute: {engine: tip_depth_mm, args: {needle_length_mm: 4, angle_deg: 30}}

Choice items (``single_choice``, ``multiple_choice``, ``true_false``, ``ordering``)
have ``options``, each with ``id``, ``text`` and ``feedback``; a true/false item's
options are ``true`` and ``false``; an ordering item's ``answer`` lists its option
IDs in the right order. ``compute`` names an engine that must reproduce the answer
(see :mod:`course.quiz.compute`).

The models here check each field's shape; :mod:`course.quiz.checks` checks what
needs the whole item or the knowledge base, and :mod:`course.quiz.loading` reads
the files. Either way a bad bank raises :class:`QuizError` naming the file, the
item and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from course.errors import MesocourseError

ItemType = Literal["single_choice", "multiple_choice", "true_false", "numeric", "ordering"]
ITEM_TYPES: tuple[str, ...] = get_args(ItemType)
MIN_ITEMS = 10


class QuizError(MesocourseError, ValueError):
    """A quiz bank is malformed or inconsistent with the knowledge base.

    ``file`` is the bank's path as shown to the author, ``item`` the item's ID
    (empty for the bank's top level), ``field`` the dotted path inside the item.
    """

    def __init__(self, file: str, item: str, field: str, message: str) -> None:
        self.file, self.item, self.field, self.message = file, item, field, message
        where = f"item '{item}'" if item else "top level"
        super().__init__(f"{file}: {where}, field '{field}': {message}")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(Model):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    feedback: str = Field(min_length=1)

    @field_validator("id", mode="before")
    @classmethod
    def _true_false_ids(cls, value: Any) -> Any:
        # YAML reads `id: true` as a boolean: a true/false item's option IDs are "true"/"false".
        return str(value).lower() if isinstance(value, bool) else value


class NumericFeedback(Model):
    right: str = Field(min_length=1)
    wrong: str = Field(min_length=1)


class Compute(Model):
    """How an engine reproduces an item's answer (see :mod:`course.quiz.compute`)."""

    engine: str
    args: dict[str, Any] = {}
    field: str = ""
    count: bool = False
    format: str = ""
    equals: Any = None


class Item(Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    competency: str
    difficulty: Literal["easy", "medium", "hard"]
    type: ItemType
    stem: str = Field(min_length=1)
    options: tuple[Option, ...] = ()
    answer: bool | float | str | tuple[str, ...]
    tolerance: float | None = Field(default=None, ge=0)
    unit: str | None = None
    feedback: NumericFeedback | None = None
    sources: tuple[str, ...] = Field(min_length=1)
    compute: Compute | None = None

    @field_validator("answer", mode="before")
    @classmethod
    def _answer_kind(cls, value: Any) -> Any:
        if isinstance(value, (bool, str, int, float)) or (
            isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
        ):
            return tuple(value) if isinstance(value, list) else value
        raise ValueError(
            f"must be true/false, a number, an option ID or a list of option IDs, got {value!r} "
            "(quote a date used as an option ID)"
        )

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise ValueError(f"item '{self.id}' has no option '{option_id}' (options: "
                         f"{', '.join(o.id for o in self.options)})")


class BankFile(Model):
    module: str = Field(pattern=r"^\d\d$")
    title: str = Field(min_length=1)
    items: tuple[Item, ...] = Field(min_length=MIN_ITEMS)


@dataclass(frozen=True)
class Bank:
    """A validated bank: the module it belongs to, its title, its items and its file."""

    module: str
    title: str
    items: tuple[Item, ...]
    path: Path

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source the bank's items cite, in first-cited order."""
        return tuple(dict.fromkeys(s for item in self.items for s in item.sources))

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"bank {self.module} has no item '{item_id}'")
