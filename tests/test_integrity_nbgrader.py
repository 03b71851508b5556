"""A deleted test cell under plain ``nbgrader autograde`` with the course's ``nbgrader_config.py``.

The course keeps ``OverwriteCells.add_missing_cells`` on: nbgrader puts the
deleted test cell back, ``LiteralAnswers`` sees that it differs from its source
and scores it 0, final. The control run with the option off shows why: the
submission is then left "needs manual grading".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from grading_support import cell_scores
from nbformat.v4 import new_code_cell, new_notebook

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "doses"
pytestmark = [pytest.mark.slow]


def _meta(grade_id: str, **flags: object) -> dict:
    return {"nbgrader": {"grade": False, "solution": False, "locked": False, "grade_id": grade_id,
                         "schema_version": 3, **flags}}


def _source() -> nbformat.NotebookNode:
    """Two literal answers, each with its test, as the course's assignments are made: the
    template lines (``name = None``) stay in the student version."""
    nb = new_notebook(cells=[
        new_code_cell("dose_ml = None\nsessions = None\n### BEGIN SOLUTION\ndose_ml = 1.0\nsessions = 4\n### END SOLUTION",
                      metadata=_meta("answers", solution=True)),
        new_code_cell("assert dose_ml == 1.0", metadata=_meta("test_dose", grade=True, locked=True, points=2)),
        new_code_cell("assert sessions == 4", metadata=_meta("test_sessions", grade=True, locked=True, points=1)),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _nbgrader(course: Path, *args: str) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _submit(course: Path, student: str, deleted: str | None = None) -> None:
    nb = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    nb.cells[0].source = "dose_ml = 1.0\nsessions = 4"
    nb.cells = [cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade_id") != deleted]
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("integrity") / "course"
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root)
    nbformat.write(_source(), root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    _nbgrader(root, "generate_assignment", ASSIGNMENT)
    _submit(root, "complete")
    _submit(root, "deleted_test", deleted="test_dose")
    return root


def _scores(course: Path) -> dict:
    return cell_scores(f"sqlite:///{course / 'gradebook.db'}", ASSIGNMENT)


def test_a_deleted_test_cell_is_put_back_and_scores_zero(course: Path, tmp_path: Path) -> None:
    graded = shutil.copytree(course, tmp_path / "course")
    _nbgrader(graded, "autograde", ASSIGNMENT, "--force")
    scores = _scores(graded)
    assert scores[("complete", ASSIGNMENT, "test_dose")] == (2.0, False)
    assert scores[("deleted_test", ASSIGNMENT, "test_dose")] == (0.0, False)
    assert scores[("deleted_test", ASSIGNMENT, "test_sessions")] == (1.0, False)
    restored = nbformat.read(graded / "autograded" / "deleted_test" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    assert [c.metadata.nbgrader["grade_id"] for c in restored.cells] == ["answers", "test_dose", "test_sessions"]


def test_without_add_missing_cells_the_submission_needs_manual_grading(course: Path, tmp_path: Path) -> None:
    control = shutil.copytree(course, tmp_path / "control")
    _nbgrader(control, "autograde", ASSIGNMENT, "--force", "--OverwriteCells.add_missing_cells=False")
    scores = _scores(control)
    assert scores[("deleted_test", ASSIGNMENT, "test_dose")] == (None, True)
    assert scores[("complete", ASSIGNMENT, "test_dose")] == (2.0, False)
