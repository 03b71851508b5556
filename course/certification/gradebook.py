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
    """Every trainee in the gradebook (``db_option``, else the course's) with their grade-cell scores."""
    from nbgrader.api import Gradebook  # heavy import: only when grades are read

    url = course.gradebook(db_option)
    with Gradebook(url, course.course_id) as gradebook:
        trainees, scores = [], {}
        for student in sorted(gradebook.students, key=lambda s: s.id):
            trainees.append(Trainee(
                student.id, student.first_name or "", student.last_name or "",
                student.email or "", student.lms_user_id or "",
            ))
            submitted, cell_scores = set(), {}
            for submission in student.submissions:
                submitted.add(submission.assignment.name)
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        graded = grade.auto_score is not None or grade.manual_score is not None
                        key = (submission.assignment.name, notebook.name, grade.name)
                        cell_scores[key] = float(grade.score) if graded else None
            scores[student.id] = TraineeScores(frozenset(submitted), cell_scores)
    return Cohort(make_url(url).render_as_string(hide_password=True), tuple(trainees), scores)
