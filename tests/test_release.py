"""``mesocourse release`` on the course model: the folders a course's nbgrader config
names, and case data the engines refuse (exit status 2, nothing written).

Each runs the real command in a fresh process on a throwaway course folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from grading_support import tree_hashes
from nbgrader.api import Gradebook
from prerequisites import require

import course
from course.coursedir import Course


@pytest.mark.slow
@pytest.mark.long
def test_release_builds_and_releases_into_the_folders_the_config_names(tmp_path: Path) -> None:
    """``mesocourse release`` writes source notebooks where nbgrader reads them (its
    ``source_directory``) and nbgrader releases them into its ``release_directory``."""
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.source_directory = 'instructor'\n"
        "c.CourseDirectory.release_directory = 'students'\nc.CourseDirectory.db_url = 'sqlite:///data/grades.db'\n")
    (tmp_path / "data").mkdir()
    done = subprocess.run([sys.executable, "-m", "course", "release", "--course", str(tmp_path), "--only", "depth"],
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"built   {tmp_path / 'instructor' / 'depth' / 'depth.ipynb'}" in done.stdout
    assert f"release {tmp_path / 'students' / 'depth' / 'depth.ipynb'}" in done.stdout
    built = nbformat.read(tmp_path / "students" / "depth" / "depth.ipynb", as_version=4)
    assert any(cell.metadata.get("nbgrader", {}).get("grade") for cell in built.cells)
    assert not (tmp_path / "source").exists() and not (tmp_path / "release").exists()
    with Gradebook(Course.open(tmp_path).gradebook()) as gb:  # recorded in the gradebook the config names
        assert [a.name for a in gb.assignments] == ["depth"]


def test_case_data_the_engines_refuse_exits_2_naming_file_item_and_field_and_writes_nothing(tmp_path: Path) -> None:
    """A copy of the package whose depth case data names an unknown area: the engines raise
    ``DataError`` (a ``MesocourseError``); the assignments built before it are not written."""
    package = tmp_path / "package"
    shutil.copytree(Path(course.__file__).parent, package / "course", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    data = package / "course" / "assignments" / "data" / "depth.yaml"
    data.write_text(data.read_text().replace("area: face_chin", "area: moon"))
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "nbgrader_config.py").write_text("c = get_config()\n")
    before = tree_hashes(folder)
    env = {**os.environ, "PYTHONPATH": str(package)}
    done = subprocess.run([sys.executable, "-m", "course", "release", "--course", str(folder)],
                          capture_output=True, text=True, check=False, cwd=package, env=env)
    assert "Traceback" not in done.stderr and done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "mesocourse release: error: depth.yaml: entry 'problem_02', field 'area': unknown area 'moon'"]
    assert tree_hashes(folder) == before and not (folder / "source").exists()  # screening and planning neither


def test_an_item_the_engines_refuse_is_bad_input_of_the_error_contract() -> None:
    from course.assignments.catalog import case_data
    from course.assignments.items import DataError, make_question
    from course.errors import BAD_INPUT, MesocourseError

    item = next(i for i in case_data("depth") if i.id == "problem_02").model_copy(update={"area": "moon"})
    with pytest.raises(DataError) as refused:
        make_question(item, "Problem 02")
    assert isinstance(refused.value, MesocourseError) and refused.value.exit_code == BAD_INPUT
    assert (refused.value.item_id, refused.value.field, refused.value.message) == ("problem_02", "area",
                                                                                   "unknown area 'moon'")


@pytest.mark.slow
@pytest.mark.long
def test_a_fresh_release_in_a_copy_of_the_repository_changes_no_tracked_file(tmp_path: Path) -> None:
    """`make release` in a fresh clone makes a course secret of its own: what it writes from that
    secret (``variant-key`` beside each notebook, the secret itself) is ignored by git, and every
    tracked file (the notebooks) comes out byte for byte as committed, whatever the secret."""
    repo = Path(course.__file__).resolve().parents[1]
    require("git is not installed: apt-get install git" if shutil.which("git") is None else
            None if (repo / ".git").exists() else f"{repo} is not a git checkout: git clone the repository")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=repo,
                            capture_output=True, check=True).stdout.decode().split("\0")
    clone = tmp_path / "clone"
    for name in filter(None, listed):
        if (repo / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(repo / name, clone / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]
    for command in (["init", "--quiet"], ["add", "--all"], ["commit", "--quiet", "-m", "as checked out"]):
        subprocess.run([*git, *command], cwd=clone, check=True, capture_output=True)
    assert not (clone / ".mesocourse").exists() and not list(clone.glob("*/*/variant-key"))  # nothing committed
    done = subprocess.run([sys.executable, "-m", "course", "release", "--course", "."], capture_output=True, text=True,
                          check=False, cwd=clone)
    assert done.returncode == 0, done.stderr
    assert (clone / ".mesocourse" / "variant-secret").is_file()
    keys = sorted(str(path.relative_to(clone)) for path in clone.glob("*/*/variant-key"))
    assert keys == [f"{folder}/{name}/variant-key" for folder in ("release", "source")
                    for name in ("certification", "depth", "planning", "screening")]
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=clone, capture_output=True,
                            text=True, check=True).stdout
    assert status == "", status
