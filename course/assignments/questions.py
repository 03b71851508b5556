"""Questions of the graded assignments: what the trainee answers and what is expected.

A :class:`Question` becomes one answer cell (the trainee's variables), one
``check()`` cell and one autograder test cell (a grade cell with its points and
competency tags). Each :class:`AnswerField` is one variable; its ``expected`` answer
and ``extra`` frozen data are computed by the engines at build time and written
into the hidden tests (``course.assignments.grader`` documents the kinds).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS = ("choice", "id_set", "id_sequence", "number", "date", "mapping", "combination", "schedule", "pre_treatment")
TABLE_KINDS = ("mapping", "combination", "pre_treatment")


@dataclass(frozen=True)
class AnswerField:
    """One answer variable.

    ``allowed`` holds the allowed values (for ``combination``: a mapping from key to
    allowed values); ``extra`` the kind's frozen data (``tolerance``, ``keys``,
    ``phases``, ``first``, ``days_before``, ``sessions_field``); ``solution`` the
    reference answer written into the source notebook; ``help`` the format line the
    answer cell shows.
    """

    name: str
    label: str
    kind: str
    weight: float
    help: str
    expected: Any
    solution: Any
    allowed: Any = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field '{self.name}': unknown kind '{self.kind}' (known: {', '.join(KINDS)})")

    @property
    def template(self) -> Any:
        """What the release's answer cell holds: None, or a dict of Nones to fill in."""
        if self.kind in TABLE_KINDS:
            return {key: None for key in self.extra["keys"]}
        return None

    @property
    def shape(self) -> str:
        """The type the visible test asks for (see ``grader.filled``)."""
        if self.kind in TABLE_KINDS:
            return "table"
        if self.kind in ("id_set", "id_sequence", "schedule"):
            return "list"
        if self.kind == "number":
            return "number"
        if self.kind == "choice" and all(isinstance(value, bool) for value in self.allowed):
            return "flag"
        if self.kind == "choice" and all(isinstance(value, (int, float)) for value in self.allowed):
            return "number"
        return "text"

    def format_spec(self) -> dict[str, Any]:
        """What ``check()`` needs to judge the format of an answer, and nothing of the answer itself:
        the name, label, kind, visible-test shape, allowed values and the template's keys."""
        keys = {"keys": list(self.extra["keys"])} if "keys" in self.extra else {}
        return {"name": self.name, "label": self.label, "kind": self.kind, "shape": self.shape,
                "allowed": self.allowed, **keys}

    def spec(self) -> dict[str, Any]:
        """The frozen field the hidden test grades with (plain literals only)."""
        return {
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "weight": float(self.weight),
            "allowed": self.allowed,
            "expected": self.expected,
            **self.extra,
        }


@dataclass(frozen=True)
class Question:
    """One graded item: a prompt, its answer fields and its tags for the reports."""

    id: str
    title: str
    prompt: str
    fields: tuple[AnswerField, ...]
    competencies: tuple[str, ...]
    critical: bool = False
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def points(self) -> float:
        return float(sum(f.weight for f in self.fields))

    def tags(self) -> dict[str, Any]:
        """``cell.metadata["mesocourse"]`` of the test cell (see ``course.assignments.tags``)."""
        return {"competencies": list(self.competencies), "critical": self.critical, "params": dict(self.params)}


@dataclass(frozen=True)
class Assignment:
    """One nbgrader assignment: ``source/<name>/<name>.ipynb``."""

    name: str
    title: str
    introduction: str
    questions: tuple[Question, ...]
    exam: bool = False  # taken in the exam kernel: no engines, no knowledge base, no widgets

    @property
    def points(self) -> float:
        return float(sum(q.points for q in self.questions))

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(f"assignment '{self.name}' has no question '{question_id}' (known: "
                       f"{', '.join(q.id for q in self.questions)})")
