"""The gradebook as nbgrader's own API reads it, object by object: the reference
that ``course.gradebook_tables`` must match value for value."""

from __future__ import annotations

from nbgrader.api import Gradebook

from course.gradebook_tables import GradebookRows


def rows_through_nbgrader(url: str) -> GradebookRows:
    """Students, grade cells, submissions and grades read through nbgrader's ORM."""
    with Gradebook(url) as gb:
        students = [(s.id, s.first_name, s.last_name, s.email, s.lms_user_id) for s in gb.students]
        cells = [(a.name, nb.name, cell.name, float(cell.max_score))
                 for a in gb.assignments for nb in a.notebooks for cell in nb.grade_cells]
        submissions, grades = [], []
        for student in gb.students:
            for submission in student.submissions:
                submissions.append((student.id, submission.assignment.name))
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        graded = grade.auto_score is not None or grade.manual_score is not None
                        grades.append((student.id, submission.assignment.name, notebook.name, grade.name,
                                       float(grade.score), graded))
    return GradebookRows(students, cells, submissions, grades)


def assert_same_rows(ours: GradebookRows, reference: GradebookRows) -> None:
    """Every table equal, row for row and value for value (order aside)."""
    for table in ("students", "cells", "submissions", "grades"):
        mine, theirs = sorted(getattr(ours, table)), sorted(getattr(reference, table))
        assert len(mine) == len(theirs), f"{table}: {len(mine)} rows, nbgrader has {len(theirs)}"
        for row, expected in zip(mine, theirs):
            assert row == expected, f"{table}: {row} != nbgrader's {expected}"
