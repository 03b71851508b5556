"""nbgrader's gradebook read a whole table at a time, in four set-based queries.

The report and certification need every trainee's score on every grade cell. Read
through nbgrader's ORM (``student.submissions`` -> ``notebooks`` -> ``grades``),
that is one small query per trainee, submission and notebook; and nbgrader's
schema has no index on the foreign keys those queries filter on
(``grade.notebook_id``, ``submitted_notebook.assignment_id``,
``submitted_assignment.student_id``), so each is a full table scan and the time
grows with the square of the cohort. Here each query joins the tables once, and
the database plans the join as a whole (SQLite builds transient indexes for it),
without changing the instructor's gradebook.

The SQL names nbgrader 0.9's tables and columns; ``tests/test_gradebook_tables.py``
compares every value with nbgrader's own API on a real gradebook, so a schema
change in nbgrader fails there. nbgrader itself is not imported: it costs seconds
of start-up. A grade's score is nbgrader's ``Grade.score``: the manual score if
set, else the auto score, plus any extra credit; 0 when neither is set
(``graded`` tells the two zeros apart).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from course.coursedir import sqlite_file

Row = tuple[Any, ...]

STUDENTS = "SELECT id, first_name, last_name, email, lms_user_id FROM student"
CELLS = """
SELECT a.name, n.name, c.name, g.max_score
FROM grade_cells g
JOIN base_cell c ON c.id = g.id
JOIN notebook n ON n.id = c.notebook_id
JOIN assignment a ON a.id = n.assignment_id
"""
SUBMISSIONS = """
SELECT s.student_id, a.name
FROM submitted_assignment s
JOIN assignment a ON a.id = s.assignment_id
"""
GRADES = """
SELECT s.student_id, a.name, n.name, c.name,
       CASE WHEN g.manual_score IS NOT NULL THEN g.manual_score + COALESCE(g.extra_credit, 0.0)
            WHEN g.auto_score IS NOT NULL THEN g.auto_score + COALESCE(g.extra_credit, 0.0)
            ELSE 0.0 END,
       CASE WHEN g.manual_score IS NOT NULL OR g.auto_score IS NOT NULL THEN 1 ELSE 0 END
FROM grade g
JOIN submitted_notebook sn ON sn.id = g.notebook_id
JOIN submitted_assignment s ON s.id = sn.assignment_id
JOIN assignment a ON a.id = s.assignment_id
JOIN notebook n ON n.id = sn.notebook_id
JOIN base_cell c ON c.id = g.cell_id
"""
SUBMISSION_TIMES = """
SELECT s.student_id, a.name, s.timestamp
FROM submitted_assignment s
JOIN assignment a ON a.id = s.assignment_id
"""
STUDENT_COLUMNS = ("student_id", "first_name", "last_name", "email", "lms_user_id")
CELL_COLUMNS = ("assignment", "notebook", "grade_id", "max_score")
SUBMISSION_COLUMNS = ("student_id", "assignment")
GRADE_COLUMNS = ("student_id", "assignment", "notebook", "grade_id", "score", "graded")


@dataclass(frozen=True)
class GradebookRows:
    """The rows the report and certification need, as plain tuples (columns above).

    ``grades`` holds one row per graded cell of every submitted notebook (grade
    cells and nbgrader task cells); ``cells`` the grade cells with their maximum.
    """

    students: list[Row]
    cells: list[Row]
    submissions: list[Row]
    grades: list[Row]


def _query_all(url: str, queries: tuple[str, ...]) -> list[list[Row]]:
    """Each query's rows, in one read transaction. A SQLite file is read with the
    standard library (SQLAlchemy's import costs more than the reading), opened
    read-only so that nothing, not even a journal, is written beside the gradebook."""
    path = sqlite_file(url)
    if path is not None:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            connection.execute("BEGIN")
            return [connection.execute(query).fetchall() for query in queries]
        finally:
            connection.close()
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as database:
            return [[tuple(row) for row in database.execute(text(query))] for query in queries]
    finally:
        engine.dispose()


def read_gradebook(url: str) -> GradebookRows:
    """Every student, grade cell, submission and grade of the gradebook at ``url``, read
    in one transaction (a consistent snapshot) with one query each."""
    students, cells, submissions, grades = _query_all(url, (STUDENTS, CELLS, SUBMISSIONS, GRADES))
    grades = [(*row[:4], float(row[4]), bool(row[5])) for row in grades]
    return GradebookRows(students, [(*row[:3], float(row[3])) for row in cells], submissions, grades)


def submission_times(url: str) -> dict[tuple[str, str], datetime]:
    """When each submission was handed in, by (student, assignment): nbgrader's ``SubmittedAssignment.timestamp``
    (the hand-in's ``timestamp.txt``, kept in UTC without a zone), as an aware UTC time; a submission
    without one is left out."""
    (rows,) = _query_all(url, (SUBMISSION_TIMES,))
    times = {}
    for student_id, assignment, stamp in rows:
        if stamp is None:  # a submission nbgrader recorded without a timestamp.txt
            continue
        moment = stamp if isinstance(stamp, datetime) else datetime.fromisoformat(str(stamp))
        times[(student_id, assignment)] = (moment.replace(tzinfo=UTC) if moment.tzinfo is None
                                           else moment.astimezone(UTC))
    return times
