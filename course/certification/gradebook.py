"""Trainees and their per-grade-cell scores, read from an nbgrader gradebook.

The gradebook is ``--db URL`` if given, else the course's (:class:`course.coursedir.Course`).
A score is ``None`` when the cell is not graded yet; a cell of an assignment the
trainee did not submit has no entry at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url

from course.assignments.tags import ItemKey
from course.coursedir import Course
from course.gradebook_tables import GradebookRows, read_gradebook

__all__ = ["Cohort", "ItemKey", "Trainee", "TraineeScores", "read_cohort"]


@dataclass(frozen=True)
class Trainee:
    id: str
    first_name: str
    last_name: str
    email: str
    lms_user_id: str

    @property
    def name(self) -> str:
        """Full name, or the ID when the gradebook has no name."""
        return f"{self.first_name} {self.last_name}".strip() or self.id


@dataclass(frozen=True)
class TraineeScores:
    submitted: frozenset[str]  # assignment names the trainee submitted
    scores: dict[ItemKey, float | None]  # None: not graded yet


@dataclass(frozen=True)
class Cohort:
    gradebook: str  # URL, password hidden
    trainees: tuple[Trainee, ...]
    scores: dict[str, TraineeScores]


def read_cohort(course: Course, db_option: str | None = None) -> Cohort:
    """Every trainee in the gradebook (``db_option``, else the course's) with their
    grade-cell scores (four set-based queries, :mod:`course.gradebook_tables`)."""
    url = course.gradebook(db_option)
    trainees, scores = cohort_scores(read_gradebook(url))
    return Cohort(make_url(url).render_as_string(hide_password=True), trainees, scores)


def cohort_scores(rows: GradebookRows) -> tuple[tuple[Trainee, ...], dict[str, TraineeScores]]:
    """Trainees (by ID) and their submissions and grade-cell scores, from the gradebook's rows."""
    submitted: dict[str, set[str]] = {}
    for student_id, assignment in rows.submissions:
        submitted.setdefault(student_id, set()).add(assignment)
    cell_scores: dict[str, dict[ItemKey, float | None]] = {}
    for student_id, assignment, notebook, grade_id, score, graded in rows.grades:
        cell_scores.setdefault(student_id, {})[(assignment, notebook, grade_id)] = score if graded else None
    trainees = tuple(Trainee(sid, first or "", last or "", email or "", lms or "")
                     for sid, first, last, email, lms in sorted(rows.students, key=lambda row: row[0]))
    scores = {t.id: TraineeScores(frozenset(submitted.get(t.id, ())), cell_scores.get(t.id, {})) for t in trainees}
    return trainees, scores
