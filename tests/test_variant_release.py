"""The released notebook shows each trainee their own variant, in a real kernel.

A throwaway course is released by the real ``mesocourse release`` (nbgrader's
generate_assignment); its student notebook is executed with nbclient as a trainee
would run it, the trainee known from the hub (``JUPYTERHUB_USER``) or from nbgrader's
configured student id, or not at all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course.assignments.allocation import KEY_FILE, course_variant
from course.assignments.catalog import load_assignment
from course.assignments.variant_view import NO_ID, NOT_RELEASED, PROMPTS_FILE
from course.content import __file__ as CONTENT
from course.coursedir import Course

pytestmark = [pytest.mark.slow]
CONFIG = Path(CONTENT).parent / "nbgrader_config.py"


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("variant-course")
    shutil.copy(CONFIG, root / "nbgrader_config.py")
    done = subprocess.run([sys.executable, "-m", "course", "release", "--course", str(root), "--only", "screening"],
                          capture_output=True, text=True, check=False, cwd=root)
    assert done.returncode == 0, done.stderr
    return root


def _two_trainees(root: Path) -> tuple[str, str]:
    """Two trainee ids the course secret gives different variants."""
    first = "ann"
    mine = course_variant(Course(root), "screening", first, 8)
    other = next(f"t{n}" for n in range(100) if course_variant(Course(root), "screening", f"t{n}", 8) != mine)
    return first, other


def _run(folder: Path, monkeypatch: pytest.MonkeyPatch, user: str | None) -> list[nbformat.NotebookNode]:
    """Execute the student notebook in ``folder`` as a trainee would (in a copy of the folder)."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(folder / ".no-user-config"))
    if user is None:
        monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    else:
        monkeypatch.setenv("JUPYTERHUB_USER", user)
    nb = nbformat.read(folder / "screening.ipynb", as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(folder)}}).execute()
    return nb.cells


def _shown(cells: list[nbformat.NotebookNode]) -> dict[str, str]:
    """question id -> the markdown its show() cell displayed."""
    found = {}
    for cell in cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("_patient"):
            found[grade_id.removesuffix("_patient")] = "".join(
                o.get("data", {}).get("text/markdown", "") for o in cell.outputs)
    return found


def _printed(cells: list[nbformat.NotebookNode]) -> str:
    return "".join(o.get("text", "") for cell in cells if cell.cell_type == "code" for o in cell.outputs)


def test_two_trainees_with_different_variants_see_their_own_different_patients(
        released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = released / "release" / "screening"
    assert sorted(p.name for p in release.iterdir()) == ["screening.ipynb", KEY_FILE, PROMPTS_FILE]
    assert not (release / Course(release).variant_secret.name).exists()
    assert "secret" not in (release / PROMPTS_FILE).read_text()
    prompts = json.loads((release / PROMPTS_FILE).read_text())["prompts"]
    ann, other = _two_trainees(released)
    seen = {}
    for trainee in (ann, other):
        folder = tmp_path / trainee
        shutil.copytree(release, folder)  # as nbgrader's fetch puts it in the trainee's home
        cells = _run(folder, monkeypatch, trainee)
        variant = course_variant(Course(released), "screening", trainee, 8)
        assert f"Trainee {trainee}: you have variant {variant + 1} of 8" in _printed(cells)
        seen[trainee] = _shown(cells)
        assert seen[trainee] == prompts[variant]  # every case shows this trainee's own patient
        assert len(seen[trainee]) == len(load_assignment("screening").questions)
    differing = [case for case in seen[ann] if seen[ann][case] != seen[other][case]]
    assert len(differing) >= 10, differing  # names, ages, doses, conditions, cocktails differ


def test_the_trainee_id_can_come_from_nbgraders_configured_student_id(
        released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "work"
    shutil.copytree(released / "release" / "screening", folder)
    (folder / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.student_id = 'bea'\n")
    cells = _run(folder, monkeypatch, None)
    prompts = json.loads((folder / PROMPTS_FILE).read_text())["prompts"]
    assert _shown(cells) == prompts[course_variant(Course(released), "screening", "bea", 8)]


def test_without_a_trainee_id_or_a_course_release_the_notebook_says_so_and_shows_no_patient(
        released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "anonymous"
    shutil.copytree(released / "release" / "screening", folder)
    cells = _run(folder, monkeypatch, None)
    assert NO_ID in _printed(cells) and set(_shown(cells).values()) == {""}
    (folder / KEY_FILE).unlink()
    cells = _run(folder, monkeypatch, "ann")
    assert NOT_RELEASED.format(file=KEY_FILE) in _printed(cells) and set(_shown(cells).values()) == {""}


def test_every_trainee_gets_the_same_cells_grade_ids_and_points(released: Path) -> None:
    """One student notebook for everyone: nbgrader's checksums and gradebook are unchanged."""
    nb = nbformat.read(released / "release" / "screening" / "screening.ipynb", as_version=4)
    grades = [(c.metadata["nbgrader"]["grade_id"], c.metadata["nbgrader"].get("points"))
              for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(grades) == len(load_assignment("screening").questions) and {points for _, points in grades} == {4}
    assert not any("BEGIN HIDDEN TESTS" in c.source for c in nb.cells)
    assert os.path.getsize(released / "release" / "screening" / PROMPTS_FILE) < 200_000
