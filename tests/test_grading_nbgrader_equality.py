"""Same per-cell scores as ``nbgrader autograde`` on nbgrader's own documentation course.

The nbgrader wheel ships the example course of its documentation (``ps1``,
submissions by bitdiddle and hacker). One copy is graded by the real
``nbgrader autograde`` command, another by ``grade_cohort``; the gradebooks must
agree cell by cell, comments and submission times included.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbgrader
import pytest
from grading_support import cell_scores, tree_hashes

from course.coursedir import Course
from course.grading import grade_cohort
from course.nbgrader_api import put_python_tools_on_path

pytestmark = [pytest.mark.slow]

USER_GUIDE = Path(nbgrader.__file__).parent / "docs" / "source" / "user_guide"


def _nbgrader(course: Path, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]


def _comments(db_url: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return {(s.student.id, n.name, c.cell.name): c.auto_comment
                for s in gradebook.find_assignment("ps1").submissions for n in s.notebooks for c in n.comments} | {
            s.student.id: str(s.timestamp) for s in gradebook.find_assignment("ps1").submissions}


def _total(db_url: str, student: str) -> float:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return gradebook.find_submission("ps1", student).score


def test_grades_match_nbgrader_autograde_on_its_documentation_course(tmp_path: Path):
    put_python_tools_on_path()
    base = tmp_path / "base"
    base.mkdir()
    for folder in ("source", "submitted"):
        shutil.copytree(USER_GUIDE / folder, base / folder)
    _nbgrader(base, "generate_assignment", "ps1")
    by_nbgrader = shutil.copytree(base, tmp_path / "nbgrader")
    by_us = shutil.copytree(base, tmp_path / "mesocourse")
    before = tree_hashes(by_us / "submitted")

    _nbgrader(by_nbgrader, "autograde", "ps1")
    results = grade_cohort(Course.open(by_us), "ps1", workers=2)

    theirs, ours = (f"sqlite:///{course / 'gradebook.db'}" for course in (by_nbgrader, by_us))
    assert len(cell_scores(theirs, "ps1")) == 18  # 9 grade cells, 2 students
    assert cell_scores(ours, "ps1") == cell_scores(theirs, "ps1")
    assert _comments(ours) == _comments(theirs)
    assert {(r.student_id, r.status, r.score) for r in results} == {
        (student, "graded", _total(theirs, student)) for student in ("bitdiddle", "hacker")}
    graded = sorted(p.relative_to(by_us) for p in (by_us / "autograded").rglob("*") if p.is_file())
    assert graded == sorted(p.relative_to(by_nbgrader) for p in (by_nbgrader / "autograded").rglob("*") if p.is_file())
    assert tree_hashes(by_us / "submitted") == before
