"""Scores per trainee and grade cell, read from an nbgrader gradebook.

A few set-based queries read nbgrader's tables (:mod:`course.gradebook_tables`); a trainee
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
    """Every trainee's score on every grade cell in the course's gradebook (or the one at
    URL ``db``), in four set-based queries (:mod:`course.gradebook_tables`)."""
    from course.gradebook_tables import CELL_COLUMNS, GRADE_COLUMNS, read_gradebook

    rows = read_gradebook(course.gradebook(db))
    cells = pd.DataFrame.from_records(rows.cells, columns=list(CELL_COLUMNS))
    graded = pd.DataFrame.from_records(rows.grades, columns=list(GRADE_COLUMNS)).drop(columns="graded")
    roster = pd.DataFrame({"student_id": [row[0] for row in rows.students]})
    keys = ["student_id", "assignment", "notebook", "grade_id"]
    frame = roster.merge(cells, how="cross").merge(graded, on=keys, how="left")
    frame["submitted"] = frame["score"].notna()
    frame["score"] = frame["score"].fillna(0.0).astype(float)
    frame["max_score"] = frame["max_score"].astype(float)
    return Scores(frame.sort_values(keys, ignore_index=True))
