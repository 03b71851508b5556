"""The set-based gradebook reader against nbgrader's own API, value for value, on a
real gradebook with every kind of grade: auto, manual over auto, extra credit,
not graded yet, a task cell, a missing submission."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from gradebook_support import assert_same_rows, rows_through_nbgrader
from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from course.certification.gradebook import read_cohort
from course.coursedir import Course
from course.gradebook_tables import read_gradebook
from course.report.scores import load_scores


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("gradebook")
    url = f"sqlite:///{folder / 'gradebook.db'}"
    with Gradebook(url) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's own cascade warning
        for assignment in ("a1", "a2"):
            gb.add_assignment(assignment)
            gb.add_notebook("nb", assignment)
            gb.add_grade_cell("q1", "nb", assignment, max_score=2, cell_type="code")
            gb.add_grade_cell("q2", "nb", assignment, max_score=1.5, cell_type="code")
        gb.add_task_cell("task", "nb", "a1", max_score=3, cell_type="markdown")
        gb.add_student("s1", first_name="Ana", last_name="Ruiz", email="ana@example.org", lms_user_id="42")
        gb.add_student("s2", first_name="Ben")
        gb.add_student("s3")
        for student, assignment in (("s1", "a1"), ("s1", "a2"), ("s2", "a1")):
            gb.add_submission(assignment, student)
        scores = {  # (student, assignment, cell): (auto, manual, extra credit)
            ("s1", "a1", "q1"): (1, None, None), ("s1", "a1", "q2"): (0, 1.5, None),
            ("s1", "a1", "task"): (None, 2, 0.5), ("s1", "a2", "q1"): (2, None, 0.25),
            ("s2", "a1", "q1"): (0, None, None),  # s2's other cells: not graded yet
        }
        for (student, assignment, cell), (auto, manual, extra) in scores.items():
            grade = gb.find_grade(cell, "nb", assignment, student)
            grade.auto_score, grade.manual_score, grade.extra_credit = auto, manual, extra
        gb.db.commit()
    return url


@pytest.mark.parametrize("options", ["", "?timeout=5"])  # plain file: sqlite3; with options: SQLAlchemy
def test_the_reader_matches_nbgrader_value_for_value(gradebook: str, options: str) -> None:
    ours = read_gradebook(gradebook + options)
    assert_same_rows(ours, rows_through_nbgrader(gradebook))
    grades = {row[:4]: row[4:] for row in ours.grades}
    assert grades[("s1", "a1", "nb", "q2")] == (1.5, True)  # manual score wins over auto
    assert grades[("s1", "a1", "nb", "task")] == (2.5, True)  # task cell, with extra credit
    assert grades[("s2", "a1", "nb", "q2")] == (0.0, False)  # not graded yet


def test_certification_cohort_keeps_ungraded_apart(gradebook: str) -> None:
    cohort = read_cohort(Course.open(Path(gradebook.removeprefix("sqlite:///")).parent))
    assert [t.id for t in cohort.trainees] == ["s1", "s2", "s3"]
    assert cohort.trainees[0].name == "Ana Ruiz" and cohort.trainees[2].name == "s3"
    assert cohort.scores["s1"].submitted == {"a1", "a2"}
    assert cohort.scores["s2"].scores == {("a1", "nb", "q1"): 0.0, ("a1", "nb", "q2"): None, ("a1", "nb", "task"): None}
    assert cohort.scores["s3"].scores == {} and not cohort.scores["s3"].submitted


def test_report_scores_cover_every_trainee_and_grade_cell(gradebook: str) -> None:
    course = Course.open(Path(gradebook.removeprefix("sqlite:///")).parent)
    frame = load_scores(course).frame.set_index(["student_id", "assignment", "grade_id"])
    assert len(frame) == 3 * 2 * 2  # trainees x grade cells (the task cell is not a grade cell)
    assert frame.loc[("s1", "a2", "q1"), "score"] == 2.25
    assert not frame.loc[("s3", "a1", "q1"), "submitted"] and frame.loc[("s3", "a1", "q1"), "score"] == 0
    assert frame.loc[("s2", "a1", "q2"), "submitted"]
