"""Scores per trainee and grade cell, read from an nbgrader gradebook.

A few set-based queries read nbgrader's tables (:mod:`course.gradebook_tables`); a trainee
with no submission for an assignment appears with ``submitted=False`` and score 0,
so that every view can count or exclude them explicitly. The roster is every student
of the gradebook, whether or not any grade cell or submission exists yet: a trainee who
handed in nothing is the first an instructor must act on.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from course.coursedir import Course


@dataclass(frozen=True)
class Scores:
    """``frame``: one row per (student_id, assignment, notebook, grade_id) for every
    trainee on the roster and every grade cell, with score, max_score, submitted.
    ``roster``: every enrolled trainee (student_id, first_name, last_name), sorted by id;
    ``handed_in``: each (student_id, assignment) the gradebook holds a submission of."""

    frame: pd.DataFrame
    roster: tuple[tuple[str, str, str], ...]
    handed_in: frozenset[tuple[str, str]]

    @property
    def students(self) -> list[str]:
        """Every enrolled trainee's id, with or without a submission."""
        return [student for student, *_ in self.roster]

    @property
    def assignments(self) -> list[str]:
        return sorted(set(self.frame["assignment"]) | {assignment for _, assignment in self.handed_in})

    def submitted(self) -> pd.DataFrame:
        return self.frame[self.frame["submitted"]]


def load_scores(course: Course, db: str | None = None) -> Scores:
    """Every trainee's score on every grade cell in the course's gradebook (or the one at
    URL ``db``), in four set-based queries (:mod:`course.gradebook_tables`)."""
    from course.gradebook_tables import CELL_COLUMNS, GRADE_COLUMNS, read_gradebook

    rows = read_gradebook(course.gradebook(db))
    cells = pd.DataFrame.from_records(rows.cells, columns=list(CELL_COLUMNS))
    graded = pd.DataFrame.from_records(rows.grades, columns=list(GRADE_COLUMNS)).drop(columns="graded")
    roster = tuple(sorted((sid, first or "", last or "") for sid, first, last, *_ in rows.students))
    keys = ["student_id", "assignment", "notebook", "grade_id"]
    frame = pd.DataFrame({"student_id": [sid for sid, *_ in roster]}).merge(cells, how="cross")
    frame = frame.merge(graded, on=keys, how="left")
    frame["submitted"] = frame["score"].notna()
    frame["score"] = frame["score"].fillna(0.0).astype(float)
    frame["max_score"] = frame["max_score"].astype(float)
    return Scores(frame.sort_values(keys, ignore_index=True), roster, frozenset(map(tuple, rows.submissions)))


NO_SUBMISSION = "no submission"


def enrolled_trainees(scores: Scores) -> pd.DataFrame:
    """Every enrolled trainee, one row each: name, "submitted" or "no submission" per
    assignment, and how many assignments they handed in; those who handed in nothing first."""
    rows = [{"student_id": sid, "name": f"{first} {last}".strip(),
             **{a: "submitted" if (sid, a) in scores.handed_in else NO_SUBMISSION for a in scores.assignments},
             "handed_in": sum((sid, a) in scores.handed_in for a in scores.assignments)}
            for sid, first, last in scores.roster]
    table = pd.DataFrame(rows, columns=["student_id", "name", *scores.assignments, "handed_in"])
    return table.sort_values(["handed_in", "student_id"], ignore_index=True)
