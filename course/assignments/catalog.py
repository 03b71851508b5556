"""The graded assignments' questions, loaded from their case data.

Case data (synthetic patients and problems) lives in ``course/assignments/data/
<assignment>.yaml``; the question makers (``course.assignments.items``) compute
each expected answer with the engines and the knowledge base when an assignment
is loaded. This module stays free of nbformat so that ``check()`` loads fast in a
trainee's kernel; ``course.assignments.build`` writes the notebooks.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from course.assignments import ASSIGNMENTS
from course.assignments.items import AnyItem, DataError, make_question
from course.assignments.items.realise import written
from course.assignments.questions import Assignment
from course.knowledge import KnowledgeError
from course.knowledge.errors import validation_error

__all__ = ["ASSIGNMENTS", "DATA_DIR", "case_data", "item_titles", "load_assignment", "reference_answers"]

DATA_DIR = Path(__file__).parent / "data"


class AssignmentFile(BaseModel):
    """One assignment's YAML file. ``item_title`` is formatted with ``number`` (1-based)
    and the item's ``id``; ``default_type`` fills each item's missing ``type``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    introduction: str
    item_title: str
    default_type: str | None = None
    exam: bool = False  # taken in the exam kernel (course.exam_kernel)
    items: tuple[AnyItem, ...]


def _read(name: str, data_dir: Path) -> AssignmentFile:
    file = f"{name}.yaml"
    path = data_dir / file
    if not path.is_file():
        raise KnowledgeError(file, "", "", f"file missing from {data_dir} (assignments: {', '.join(ASSIGNMENTS)})")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(raw, dict) and raw.get("default_type"):
        for item in raw.get("items") or []:
            if isinstance(item, dict):
                item.setdefault("type", raw["default_type"])
    try:
        return AssignmentFile.model_validate(raw)
    except ValidationError as error:
        raise validation_error(file, raw, error) from None


def case_data(name: str, data_dir: Path = DATA_DIR) -> tuple[Any, ...]:
    """The items of assignment ``name`` as its YAML states them (validated), before the
    engines compute any answer: what a coherence check compares the answers with."""
    if name not in ASSIGNMENTS:
        raise ValueError(f"unknown assignment '{name}' (known: {', '.join(ASSIGNMENTS)})")
    return _read(name, Path(data_dir)).items


@functools.cache
def load_assignment(name: str, data_dir: Path = DATA_DIR) -> Assignment:
    """The assignment ``name`` with every expected answer computed by the engines.

    Bad case data raises ``KnowledgeError`` naming the file, the item and the field.
    """
    if name not in ASSIGNMENTS:
        raise ValueError(f"unknown assignment '{name}' (known: {', '.join(ASSIGNMENTS)})")
    data = _read(name, Path(data_dir))
    questions = []
    for item, title in zip(data.items, _titles(data)):
        try:
            questions.append(make_question(written(item), title))
        except DataError as error:
            raise KnowledgeError(f"{name}.yaml", item.id, error.field, error.message) from None
    _check_unique(name, questions)
    return Assignment(name, data.title, data.introduction, tuple(questions), data.exam)


def exam_assignments(names: Iterable[str] = ASSIGNMENTS) -> list[str]:
    """The exam assignments (``exam: true`` in their case data) among ``names``; a name that is no
    assignment of the course is left out."""
    return [name for name in names if name in ASSIGNMENTS and load_assignment(name).exam]


def item_titles(name: str, data_dir: Path = DATA_DIR) -> tuple[str, ...]:
    """Each item's title (``item_title`` formatted with its number and ID), in order."""
    return _titles(_read(name, Path(data_dir)))


def _titles(data: AssignmentFile) -> tuple[str, ...]:
    return tuple(data.item_title.format(number=number, id=item.id) for number, item in enumerate(data.items, start=1))


def _check_unique(name: str, questions: list[Any]) -> None:
    seen: set[str] = set()
    for question in questions:
        for key in (question.id, *(f.name for f in question.fields)):
            if key in seen:
                raise KnowledgeError(f"{name}.yaml", question.id, "id", f"'{key}' is used twice")
            seen.add(key)


def reference_answers(name: str) -> dict[str, Any]:
    """Answer variable -> the reference answer (full marks), for every question of ``name``."""
    return {f.name: f.solution for q in load_assignment(name).questions for f in q.fields}
