"""Feedback HTML per trainee: hidden tests never shown, each case's result and explanation are."""

from __future__ import annotations

from pathlib import Path

import pytest
from grading_support import ASSIGNMENT, EXPLANATION, HIDDEN_MARKER, build_course, submit

from course.cli import main
from course.coursedir import Course
from course.grading import grade_cohort, write_feedback

pytestmark = [pytest.mark.slow]

TRAINEES = {
    "good": {},
    "wrong": {"dose_answer": "def dose_ml(weight_kg):\n    return weight_kg * 0.03",
              "limit_answer": "def within_limit(volume_ml):\n    return True"},
    "lucky": {"dose_answer": "def dose_ml(weight_kg):\n    return 1.0",  # passes the visible test only
              "contra_answer": "def contraindicated(condition):\n    print('checking', condition)\n    return True"},
}


@pytest.fixture(scope="session")  # session: xdist may interleave modules
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = build_course(tmp_path_factory.mktemp("feedback") / "course")
    for student, answers in TRAINEES.items():
        submit(course, student, answers)
    submit(course, "ungraded")
    results = grade_cohort(Course.open(course), ASSIGNMENT, workers=2, students=list(TRAINEES))
    assert {r.student_id: (r.status, r.notes) for r in results} == {s: ("graded", ()) for s in TRAINEES}
    return course


def _html(course: Path, student: str, notebook: str = "dosing") -> str:
    return (course / "feedback" / student / ASSIGNMENT / f"{notebook}.html").read_text(encoding="utf-8")


def test_one_html_file_per_trainee_and_notebook(course: Path):
    results = write_feedback(Course.open(course), ASSIGNMENT)
    assert [(r.student_id, r.status) for r in results] == [(s, "written") for s in sorted(TRAINEES)]
    for result in results:
        assert sorted(path.name for path in result.files) == ["contra.html", "dosing.html"]
    assert not (course / "feedback" / "ungraded").exists()


def test_the_page_is_nbgraders_feedback_made_accessible(course: Path):
    """nbgrader's own feedback page (its score heading), with a language and wrapped, high-contrast code
    (the browser audit of the demo's feedback checks the page as a whole)."""
    write_feedback(Course.open(course), ASSIGNMENT)
    page = _html(course, sorted(TRAINEES)[0])
    assert page.lstrip().startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "(Score:" in page and "white-space: pre-wrap" in page and page.index("pre-wrap") > page.index("bootstrap")


def test_hidden_tests_never_appear_in_feedback(course: Path):
    write_feedback(Course.open(course), ASSIGNMENT)
    pages = list((course / "feedback").rglob("*.html"))
    assert len(pages) == 2 * len(TRAINEES)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert HIDDEN_MARKER not in text and "HIDDEN TESTS" not in text, page
        assert "dose_ml(80)" not in text and "contraindicated(\"dry skin\")" not in text, page
    # while the graded notebooks the instructor sees keep them
    assert HIDDEN_MARKER in (course / "autograded" / "lucky" / ASSIGNMENT / "dosing.ipynb").read_text()


def test_each_case_shows_its_result_and_explanation(course: Path):
    write_feedback(Course.open(course), ASSIGNMENT)
    good, wrong, lucky = (_html(course, student) for student in ("good", "wrong", "lucky"))
    assert good.count("Result: passed") == 2 and EXPLANATION in good
    assert "Result: passed (2 of 2 points)" in good
    assert "Result: not passed (0 of 2 points). AssertionError: a 50 kg client gets 1.0 mL" in wrong
    assert EXPLANATION in wrong
    assert "Result: not passed (0 of 2 points). AssertionError: (a hidden test)" in lucky
    traceback_arrow = "----&gt;"  # how a traceback points at the failing line
    assert traceback_arrow in wrong  # test_limit has no hidden test: its traceback stays
    assert traceback_arrow not in lucky
    assert "checking pregnancy" in _html(course, "lucky", "contra")  # the trainee's own prints stay


def test_feedback_command_reports_who_has_no_graded_work(course: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["feedback", ASSIGNMENT, "--course", str(course), "--student", "good", "ungraded"]) == 1
    captured = capsys.readouterr()
    assert "feedback written for 1 of 2" in captured.out
    assert "ungraded: no graded notebooks" in captured.err
