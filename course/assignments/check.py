"""Instant feedback for trainees on the format of their answers.

In an assignment notebook::

    from course.assignments.check import checker
    check = checker("screening")
    check("case_01")   # one question
    check()            # every question

``check`` reads the answer variables from the notebook, applies the format rules
of the grader (``course.assignments.grader``) and the visible test (every
answer filled in with the right type), and prints what to fix. The questions'
formats come from ``course/assignments/formats/<assignment>.json`` (frozen by
``mesocourse release``, with no answer in them), so ``check()`` needs neither the
engines nor the knowledge base, as in an exam kernel where they cannot be imported; for an
exam assignment it warns when the notebook is not running in that kernel. It never says
whether an answer is right: its output is the same for a right and a wrong answer
of the right format, so it reveals nothing of the hidden tests. During
``nbgrader autograde`` it stays silent (the test cells report there).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.assignments import ASSIGNMENTS, grader
from course.assignments.questions import AnswerField
from course.exam_kernel import EXAM_ENV, kernelspec

FORMATS = Path(__file__).parent / "formats"
EXAM_WARNING = ("WARNING: this is an exam, but this notebook is not running in exam mode: the course's engines "
                "and knowledge base can be imported here. Switch to the \"{kernel}\" kernel "
                "(Kernel > Change Kernel...) or tell your invigilator.")


def exam_warning() -> str:
    """What ``check()`` says in an exam notebook outside the exam kernel, naming that kernel as Jupyter shows it."""
    return EXAM_WARNING.format(kernel=kernelspec()["display_name"])


@dataclass(frozen=True)
class FieldCheck:
    name: str
    filled: bool
    problem: str | None  # None: the format is right


def formats_path(assignment: str, folder: Path = FORMATS) -> Path:
    return folder / f"{assignment}.json"


def load_formats(assignment: str) -> list[dict[str, Any]]:
    """The questions of ``assignment`` as ``check()`` sees them: id, title, points and each answer's
    format (``AnswerField.format_spec``), frozen by ``mesocourse release``; no expected answer."""
    return json.loads(formats_path(assignment).read_text(encoding="utf-8"))["questions"]


def is_exam(assignment: str) -> bool:
    """Whether ``assignment`` is meant for the exam kernel (``exam: true`` in its case data)."""
    return bool(json.loads(formats_path(assignment).read_text(encoding="utf-8")).get("exam"))


def check_format(spec: Mapping[str, Any], value: Any) -> FieldCheck:
    """The visible test and the format rule for one answer (``spec``: ``AnswerField.format_spec()``)."""
    return FieldCheck(spec["name"], bool(grader.filled(spec["shape"], value)), grader.format_problem(spec, value))


def check_field(field: AnswerField, value: Any) -> FieldCheck:
    return check_format(field.format_spec(), value)


def _check_question(question: Mapping[str, Any], answers: Mapping[str, Any]) -> list[FieldCheck]:
    return [check_format(spec, answers.get(spec["name"])) for spec in question["fields"]]


def report(assignment: str, answers: Mapping[str, Any], question_id: str | None = None) -> str:
    """Plain-language feedback on the format of ``answers`` (variable -> value)."""
    questions = load_formats(assignment)
    if question_id:
        questions = [q for q in questions if q["id"] == question_id]
        if not questions:
            known = ", ".join(q["id"] for q in load_formats(assignment))
            raise KeyError(f"assignment '{assignment}' has no question '{question_id}' (known: {known})")
    lines = [exam_warning()] if is_exam(assignment) and os.environ.get(EXAM_ENV) != "1" else []
    for question in questions:
        checks = _check_question(question, answers)
        passes = all(c.filled for c in checks)
        points = question["points"]
        lines.append(f"{question['title']} ({points:g} point{'' if points == 1 else 's'}): visible test "
                     + ("passes: every answer is filled in with the right type." if passes else "does not pass yet."))
        for c in checks:
            lines.append(f"  {'ok ' if c.problem is None else 'FIX'} {c.name}: {c.problem or 'the format is right'}")
    if len(questions) > 1:
        ready = sum(all(c.problem is None for c in _check_question(q, answers)) for q in questions)
        lines.append(f"{ready} of {len(questions)} questions have every answer in the right format. "
                     "Whether the answers are right is graded when you submit.")
    return "\n".join(lines)


class Checker:
    """``check(question_id=None)`` for one assignment; see the module docstring."""

    def __init__(self, assignment: str) -> None:
        if assignment not in ASSIGNMENTS:
            raise ValueError(f"unknown assignment '{assignment}' (known: {', '.join(ASSIGNMENTS)})")
        self.assignment = assignment

    def __call__(self, question_id: str | None = None) -> None:
        if os.environ.get("NBGRADER_EXECUTION") == "autograde":
            return
        answers = sys._getframe(1).f_globals
        try:
            print(report(self.assignment, answers, question_id))
        except KeyError as error:
            print(error.args[0])

    def __repr__(self) -> str:
        return f"check() for the '{self.assignment}' assignment: run check() or check(\"<question id>\")"


def checker(assignment: str) -> Checker:
    return Checker(assignment)
