"""Grades as plain data: read from a worker's private gradebook, written into the course's.

nbgrader's autograde writes a submission's results into its gradebook: the
submission timestamp, each grade cell's automatic score and whether it still
needs a human, each answer's automatic comment and each notebook's late penalty.
A worker reads exactly those back from its private gradebook
(:func:`read_grades`); the parent writes them into the course gradebook
(:func:`record_grades`: the grades and comments in one commit), keeping every
manual score and comment a grader already gave, as nbgrader does. Writing the same grades twice gives the
same gradebook, which is what makes an interrupted run safe to repeat.
"""

from __future__ import annotations

import logging
import time
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from nbgrader.api import Comment, Grade, Gradebook, InvalidEntry, SubmittedAssignment, SubmittedNotebook
from sqlalchemy.exc import OperationalError, SAWarning
from sqlalchemy.orm import joinedload, selectinload

from course.coursedir import Course

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CellGrade:
    auto_score: float | None
    needs_manual_grade: bool


@dataclass(frozen=True)
class NotebookGrades:
    late_penalty: float | None
    cells: dict[str, CellGrade] = field(default_factory=dict)  # grade cell name ->
    comments: dict[str, str | None] = field(default_factory=dict)  # answer/task cell name -> auto comment


@dataclass(frozen=True)
class SubmissionGrades:
    timestamp: datetime | None
    notebooks: dict[str, NotebookGrades] = field(default_factory=dict)


def read_grades(db_url: str, assignment: str, student: str) -> SubmissionGrades:
    """What nbgrader's autograde recorded for one submission."""
    with Gradebook(db_url) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        notebooks = {
            notebook.name: NotebookGrades(
                late_penalty=notebook.late_submission_penalty,
                cells={grade.cell.name: CellGrade(grade.auto_score, bool(grade.needs_manual_grade))
                       for grade in notebook.grades},
                comments={comment.cell.name: comment.auto_comment for comment in notebook.comments},
            )
            for notebook in submission.notebooks
        }
        return SubmissionGrades(submission.timestamp, notebooks)


def score_zero(db_url: str, assignment: str, student: str, cells: dict[str, list[str]]) -> None:
    """Give 0, final, to the named grade cells (notebook -> cell names)."""
    with Gradebook(db_url) as gradebook:
        for notebook, names in cells.items():
            for name in names:
                grade = gradebook.find_grade(name, notebook, assignment, student)
                grade.auto_score, grade.needs_manual_grade = 0.0, False
        gradebook.db.commit()


def prepare_student(db_url: str, assignment: str, student: str, extension: timedelta | None) -> None:
    """Create the student (and the extension the course granted them) in a private gradebook."""
    with Gradebook(db_url) as gradebook:
        gradebook.update_or_create_student(student)
        if extension:
            gradebook.update_or_create_submission(assignment, student, extension=extension)


def course_extensions(course: Course, assignment: str) -> dict[str, timedelta]:
    """The deadline extensions the course gradebook grants, by student."""
    with Gradebook(course.db_url, course.course_id) as gradebook:
        return {submission.student.id: submission.extension
                for submission in gradebook.find_assignment(assignment).submissions if submission.extension}


def _notebooks_of(gradebook: Gradebook, submission: SubmittedAssignment) -> list[SubmittedNotebook]:
    """A submission's notebooks with their grades, comments and cells, in three queries rather than one per row."""
    return (gradebook.db.query(SubmittedNotebook)
            .filter(SubmittedNotebook.assignment_id == submission.id)
            .options(joinedload(SubmittedNotebook.notebook),
                     selectinload(SubmittedNotebook.grades).joinedload(Grade.cell),
                     selectinload(SubmittedNotebook.comments).joinedload(Comment.cell))
            .all())


def _write(gradebook: Gradebook, assignment: str, student: str, grades: SubmissionGrades) -> float:
    gradebook.update_or_create_student(student)
    stamp = {"timestamp": grades.timestamp} if grades.timestamp else {}
    submission = gradebook.update_or_create_submission(assignment, student, **stamp)
    for notebook in _notebooks_of(gradebook, submission):
        result = grades.notebooks.get(notebook.name)
        if result is None:
            continue
        notebook.late_submission_penalty = result.late_penalty
        for grade in notebook.grades:
            cell = result.cells.get(grade.cell.name)
            if cell is not None:
                grade.auto_score = cell.auto_score
                grade.needs_manual_grade = cell.needs_manual_grade or grade.manual_score is not None
        for comment in notebook.comments:
            if comment.cell.name in result.comments:
                comment.auto_comment = result.comments[comment.cell.name]
    gradebook.db.commit()
    return float(submission.score)


def record_grades(course: Course, assignment: str, student: str, grades: SubmissionGrades,
                  attempts: int = 5) -> float:
    """Write one submission's grades into the course gradebook; returns its total score.

    A SQLite gradebook that another program (formgrader, an nbgrader command)
    holds locked is retried a few times before giving up.
    """
    for attempt in range(attempts):
        try:
            with Gradebook(course.db_url, course.course_id) as gradebook, warnings.catch_warnings():
                # nbgrader's add_submission trips SQLAlchemy 2 autoflush warnings; the rows are right
                warnings.simplefilter("ignore", SAWarning)
                return _write(gradebook, assignment, student, grades)
        except (OperationalError, InvalidEntry) as error:  # nbgrader wraps some database errors
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            log.warning("the gradebook is locked by another program; trying again in %d s", 1 + attempt)
            time.sleep(1 + attempt)
    raise AssertionError("unreachable")
