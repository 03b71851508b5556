"""Scores per trainee and grade cell, read from an nbgrader gradebook.

One query joins nbgrader's tables through its own SQLAlchemy models; a trainee
with no submission for an assignment appears with ``submitted=False`` and score 0,
so that every view can count or exclude them explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from course.coursedir import Course


@dataclass(frozen=True)
class Scores:
    """``frame``: one row per (student_id, assignment, notebook, grade_id) for every
    trainee on the roster and every grade cell, with score, max_score, submitted."""

    frame: pd.DataFrame

    @property
    def students(self) -> list[str]:
        return sorted(self.frame["student_id"].unique())

    @property
    def assignments(self) -> list[str]:
        return sorted(self.frame["assignment"].unique())

    def submitted(self) -> pd.DataFrame:
        return self.frame[self.frame["submitted"]]


def load_scores(course: Course, db: str | None = None) -> Scores:
    """Every trainee's score on every grade cell in the course's gradebook (or the one at URL ``db``)."""
    from nbgrader import api

    with api.Gradebook(course.gradebook(db), course.course_id) as gb:
        cells = pd.DataFrame(
            gb.db.query(api.Assignment.name, api.Notebook.name, api.GradeCell.name, api.GradeCell.max_score)
            .join(api.Notebook, api.Notebook.assignment_id == api.Assignment.id)
            .join(api.GradeCell, api.GradeCell.notebook_id == api.Notebook.id)
            .all(),
            columns=["assignment", "notebook", "grade_id", "max_score"],
        )
        graded = pd.DataFrame(
            gb.db.query(api.SubmittedAssignment.student_id, api.Assignment.name, api.Notebook.name,
                        api.GradeCell.name, api.Grade.score)
            .join(api.SubmittedNotebook, api.Grade.notebook_id == api.SubmittedNotebook.id)
            .join(api.SubmittedAssignment, api.SubmittedNotebook.assignment_id == api.SubmittedAssignment.id)
            .join(api.Assignment, api.SubmittedAssignment.assignment_id == api.Assignment.id)
            .join(api.Notebook, api.SubmittedNotebook.notebook_id == api.Notebook.id)
            .join(api.GradeCell, api.Grade.cell_id == api.GradeCell.id)
            .all(),
            columns=["student_id", "assignment", "notebook", "grade_id", "score"],
        )
        roster = pd.DataFrame({"student_id": [s.id for s in gb.students]})
    keys = ["student_id", "assignment", "notebook", "grade_id"]
    frame = roster.merge(cells, how="cross").merge(graded, on=keys, how="left")
    frame["submitted"] = frame["score"].notna()
    frame["score"] = frame["score"].fillna(0.0).astype(float)
    frame["max_score"] = frame["max_score"].astype(float)
    return Scores(frame.sort_values(keys, ignore_index=True))
