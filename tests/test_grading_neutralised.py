"""Hostile code in answer cells, through the real pipeline: neutralised, and said so.

A course made as this project's assignments are (literal answers, the
repository's ``nbgrader_config.py`` with ``LiteralAnswers``) is graded by
``grade_cohort``. Trainees hid loops, exits, huge allocations, output floods,
reads of the instructor's notebooks and gradebook deletions among right
answers. Nothing of it runs; each such submission is ``flagged`` with a note
naming the cell and quoting what was removed, in the grading sheet and in the
cohort report.
"""

from __future__ import annotations

import csv
import sqlite3

import nbformat
import pytest
from grading_support import LITERAL, LITERAL_ANSWERS, build_literal_course, cell_scores, submit_literal, tree_hashes

from course.assignments.tags import course_tags
from course.coursedir import Course
from course.grading import GradingLimits, grade_cohort
from course.report.gradesheets import grading_notes
from course.report.html import render
from course.report.scores import load_scores

pytestmark = [pytest.mark.slow]

HOSTILE = {  # trainee -> their answer cell
    "looping": f"{LITERAL_ANSWERS}\nwhile True:\n    pass",
    "exiting": f"import os\nos._exit(0)\n{LITERAL_ANSWERS}",
    "hog": f"ballast = bytearray(6 * 1024 ** 3)\n{LITERAL_ANSWERS}",
    "flood": f"for line in range(2_000_000):\n    print(line)\n{LITERAL_ANSWERS}",
    "reader": "dose_ml = open('../../../source/doses/doses.ipynb').read()\nsessions = 4",
    "deleter": ("import glob, sqlite3\nfor path in glob.glob('/**/gradebook.db', recursive=True):\n"
                f"    sqlite3.connect(path).execute('DELETE FROM grade')\n{LITERAL_ANSWERS}"),
    "magic": f"!rm -rf ../../..\n{LITERAL_ANSWERS}",
}
QUOTED = {  # trainee -> what the note quotes
    "looping": "`while True: pass` (2 lines)",
    "exiting": "`import os; os._exit(0)` (2 lines)",
    "hog": "`ballast = bytearray(6 * 1024 ** 3)`",
    "flood": "`for line in range(2_000_000): print(line)` (2 lines)",
    "reader": "`dose_ml = open('../../../source/doses/doses.ipynb').read()`",
    "deleter": "`import glob, sqlite3; for path in glob.glob('/**/gradebook.db', recursive=True): "
               "sqlite3.connect(pat...` (3 lines)",
    "magic": "`get_ipython().system('rm -rf ../../..')`",
}


def _unmarked_cell(nb: nbformat.NotebookNode) -> None:
    nb.cells.insert(2, nbformat.v4.new_code_cell("import shutil\nshutil.rmtree('..')"))


def _forged_cell(nb: nbformat.NotebookNode) -> None:
    """A cell posing as a read-only cell the source does not have (nbgrader fails on it unless repaired)."""
    nb.cells.insert(2, nbformat.v4.new_code_cell("import builtins\nbuiltins.AssertionError = None", metadata={
        "nbgrader": {"grade": False, "grade_id": "forged_setup", "locked": True, "solution": False,
                     "schema_version": 3}}))


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    course = build_literal_course(tmp_path_factory.mktemp("neutralised") / "course")
    submit_literal(course, "honest")
    for student, answer in HOSTILE.items():
        submit_literal(course, student, answer)
    submit_literal(course, "added_cell", edit=_unmarked_cell)
    submit_literal(course, "forged_cell", edit=_forged_cell)
    before = tree_hashes(course / "submitted")
    results = grade_cohort(Course.open(course), LITERAL, workers=2,
                           limits=GradingLimits(time_budget_s=60, memory_mb=512))
    with open(course / "reports" / f"grading-{LITERAL}.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    opened = Course.open(course)
    out = course / "reports" / "cohort.html"
    render(load_scores(opened), course_tags(opened), out, grading_notes(opened))
    return {"course": course, "results": {r.student_id: r for r in results}, "rows": rows, "report": out,
            "scores": cell_scores(f"sqlite:///{course / 'gradebook.db'}", LITERAL), "submitted_before": before}


def test_plain_answers_are_graded_without_notes(graded: dict) -> None:
    assert graded["rows"]["honest"] == {"student_id": "honest", "status": "graded", "score": "3", "max_score": "3",
                                        "notes": ""}


@pytest.mark.parametrize("student", sorted(QUOTED))
def test_hostile_code_is_removed_and_named(graded: dict, student: str) -> None:
    row = graded["rows"][student]
    assert row["status"] == "flagged", row
    assert row["notes"] == (f"answer cell 'answers' of {LITERAL}.ipynb held code other than plain answers; "
                            f"removed before grading: {QUOTED[student]}")
    assert row["score"] == ("1" if student == "reader" else "3")  # the right answers beside it still count


def test_an_added_cell_is_named_by_position(graded: dict) -> None:
    row = graded["rows"]["added_cell"]
    assert (row["status"], row["score"]) == ("flagged", "3")
    assert row["notes"] == (f"cell 3 (an unmarked cell) of {LITERAL}.ipynb held code other than plain answers; "
                            "removed before grading: `import shutil; shutil.rmtree('..')` (2 lines)")


def test_a_forged_read_only_cell_is_repaired_and_neutralised(graded: dict) -> None:
    row = graded["rows"]["forged_cell"]
    assert (row["status"], row["score"]) == ("flagged", "3")
    assert row["notes"] == (
        f"cell 3 of {LITERAL}.ipynb claims to be cell 'forged_setup', which the assignment does not have; treated "
        f"as an ordinary cell; cell 3 (an unmarked cell) of {LITERAL}.ipynb held code other than plain answers; "
        "removed before grading: `import builtins; builtins.AssertionError = None` (2 lines)")


def test_nothing_of_it_ran(graded: dict) -> None:
    course = graded["course"]
    assert all(result.seconds < 60 for result in graded["results"].values())  # no loop used up the budget
    assert sqlite3.connect(course / "gradebook.db").execute("SELECT count(*) FROM grade").fetchone()[0] == 2 * 10
    assert tree_hashes(course / "submitted") == graded["submitted_before"]
    assert (course / "source" / LITERAL / f"{LITERAL}.ipynb").is_file()
    assert all(scores[1] is False for scores in graded["scores"].values())  # nothing left for manual grading


def test_the_cohort_report_lists_what_was_neutralised(graded: dict) -> None:
    table = graded["report"].with_name("cohort-grading-notes.csv").read_text()
    page = graded["report"].read_text()
    assert "Submissions flagged or failed at grading" in page
    for student in [*QUOTED, "added_cell", "forged_cell"]:
        assert f"{LITERAL},{student},flagged," in table
        assert f"<td>{student}</td>" in page
    assert "honest" not in table and "os._exit(0)" in page
