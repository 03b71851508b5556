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
from grading_support import LITERAL, build_literal_course, cell_scores, submit_literal

pytestmark = [pytest.mark.slow]


def _nbgrader(course: Path, *args: str) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _delete_test_dose(nb: nbformat.NotebookNode) -> None:
    nb.cells = [cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade_id") != "test_dose"]


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = build_literal_course(tmp_path_factory.mktemp("integrity") / "course")
    submit_literal(root, "complete")
    submit_literal(root, "deleted_test", edit=_delete_test_dose)
    return root


def _scores(course: Path) -> dict:
    return cell_scores(f"sqlite:///{course / 'gradebook.db'}", LITERAL)


def test_a_deleted_test_cell_is_put_back_and_scores_zero(course: Path, tmp_path: Path) -> None:
    graded = shutil.copytree(course, tmp_path / "course")
    _nbgrader(graded, "autograde", LITERAL, "--force")
    scores = _scores(graded)
    assert scores[("complete", LITERAL, "test_dose")] == (2.0, False)
    assert scores[("deleted_test", LITERAL, "test_dose")] == (0.0, False)
    assert scores[("deleted_test", LITERAL, "test_sessions")] == (1.0, False)
    restored = nbformat.read(graded / "autograded" / "deleted_test" / LITERAL / f"{LITERAL}.ipynb", as_version=4)
    assert [c.metadata.nbgrader["grade_id"] for c in restored.cells if "nbgrader" in c.metadata] == [
        "answers", "test_dose", "test_sessions"]


def test_without_add_missing_cells_the_submission_needs_manual_grading(course: Path, tmp_path: Path) -> None:
    control = shutil.copytree(course, tmp_path / "control")
    _nbgrader(control, "autograde", LITERAL, "--force", "--OverwriteCells.add_missing_cells=False")
    scores = _scores(control)
    assert scores[("deleted_test", LITERAL, "test_dose")] == (None, True)
    assert scores[("complete", LITERAL, "test_dose")] == (2.0, False)
