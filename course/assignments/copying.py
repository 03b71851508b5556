"""What copying earns: one variant's full-mark answers graded against another variant's key.

A trainee who hands in a copy of another trainee's full-mark notebook is graded against
their own variant's expected answers. :func:`earned` scores answers against a question with
the trusted grader's own rules (``course.assignments.grader.grade``, the function the hidden
tests call), so the figures are the points ``mesocourse grade`` would give. The variant
builder uses it to spread each item's draws so that two variants share as few answers as
possible; ``mesocourse release`` reports the result (:func:`copy_report`).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from course.assignments import grader
from course.assignments.questions import Assignment, Question


def reference_answers(question: Question) -> dict[str, Any]:
    """The question's full-mark answers, as the source notebook's solution cells hold them."""
    return {f.name: f.solution for f in question.fields}


def earned(key: Question, answers: Mapping[str, Any]) -> float:
    """The points ``answers`` earn on ``key``'s hidden test (its printed lines are discarded)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return float(grader.grade(key.title, key.points, [f.spec() for f in key.fields], dict(answers)))


def copied(key: Question, source: Question) -> float:
    """The points ``source``'s full-mark answers earn when graded as ``key``."""
    return earned(key, reference_answers(source))


@dataclass(frozen=True)
class CopyReport:
    """Over every ordered pair of different variants: the share of the points a copied
    full-mark notebook earns (``worst``: the most; ``mean``), and the number of variants."""

    assignment: str
    points: float
    variants: int
    worst: float
    mean: float

    def line(self) -> str:
        if self.variants < 2:
            return f"{self.assignment}: one variant, so a copy earns full marks"
        return (f"{self.assignment}: a full-mark notebook copied to a trainee with another variant earns at most "
                f"{self.worst:.0%} of the points (mean {self.mean:.0%}, over {self.variants} variants)")


def copy_shares(variants: Sequence[Assignment]) -> list[list[float]]:
    """``shares[v][w]``: the share of variant ``v``'s points that variant ``w``'s full-mark answers earn."""
    shares = []
    for key in variants:
        row = []
        for source in variants:
            points = sum(copied(k, s) for k, s in zip(key.questions, source.questions))
            row.append(points / key.points if key.points else 0.0)
        shares.append(row)
    return shares


def copy_report(name: str, variants: Sequence[Assignment]) -> CopyReport:
    """The copy figures of one assignment's variants."""
    shares = copy_shares(variants)
    pairs = [shares[v][w] for v in range(len(variants)) for w in range(len(variants)) if v != w]
    return CopyReport(name, variants[0].points, len(variants), max(pairs, default=1.0),
                      sum(pairs) / len(pairs) if pairs else 1.0)
