"""Instant feedback for trainees on the format of their answers.

In an assignment notebook::

    from course.assignments.check import checker
    check = checker("screening")
    check("case_01")   # one question
    check()            # every question

``check`` reads the answer variables from the notebook, applies the format rules
of the grader (``course.assignments.grader``) and the visible test (every
answer filled in with the right type), and prints what to fix. It never says
whether an answer is right: its output is the same for a right and a wrong answer
of the right format, so it reveals nothing of the hidden tests. During
``nbgrader autograde`` it stays silent (the test cells report there).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from course.assignments import ASSIGNMENTS, grader
from course.assignments.questions import Field, Question


@dataclass(frozen=True)
class FieldCheck:
    name: str
    filled: bool
    problem: str | None  # None: the format is right


def check_field(field: Field, value: Any) -> FieldCheck:
    """The visible test and the format rule for one answer."""
    return FieldCheck(field.name, bool(grader.filled(field.shape, value)), grader.format_problem(field.spec(), value))


def check_question(question: Question, answers: Mapping[str, Any]) -> list[FieldCheck]:
    return [check_field(f, answers.get(f.name)) for f in question.fields]


def report(assignment: str, answers: Mapping[str, Any], question_id: str | None = None) -> str:
    """Plain-language feedback on the format of ``answers`` (variable -> value)."""
    from course.assignments.catalog import load_assignment  # on first use: the setup cell stays quick

    loaded = load_assignment(assignment)
    questions = [loaded.question(question_id)] if question_id else list(loaded.questions)
    lines = []
    for question in questions:
        checks = check_question(question, answers)
        passes = all(c.filled for c in checks)
        lines.append(f"{question.title} ({question.points:g} point{'' if question.points == 1 else 's'}): visible test "
                     + ("passes: every answer is filled in with the right type." if passes else "does not pass yet."))
        for c in checks:
            lines.append(f"  {'ok ' if c.problem is None else 'FIX'} {c.name}: {c.problem or 'the format is right'}")
    if len(questions) > 1:
        ready = sum(all(c.problem is None for c in check_question(q, answers)) for q in questions)
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
