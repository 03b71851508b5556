"""A regular, non-editable ``pip install .`` works on its own: the wheel carries the course's files.

The project is copied to a scratch folder (so the build writes nothing into the
checkout) and installed with pip into a fresh virtual environment. Its
dependencies come from the project's ``.venv`` as a plain path entry, so the
editable install there (a ``.pth`` hook) is not seen: ``course`` can only come
from the wheel. The installed ``mesocourse`` then runs from a folder outside the
repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.long]
LOCAL = {".git", ".venv", "build", ".pytest_cache", "demo-course", "test-artifacts", "gradebook.db", "submitted",
         "autograded", "feedback", "reports", "certification", ".mesocourse"}  # at the top of a checkout only
ANYWHERE = shutil.ignore_patterns("*.egg-info", "__pycache__", ".ipynb_checkpoints")


def _not_shipped(folder: str, names: list[str]) -> set[str]:
    return set(ANYWHERE(folder, names)) | (LOCAL & set(names) if Path(folder) == REPO else set())


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("installed")
    source = Path(shutil.copytree(REPO, root / "source", symlinks=True, ignore=_not_shipped))
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root, dict(os.environ))
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {**os.environ, "PATH": os.pathsep.join([str(venv / "bin"), str(Path(sys.executable).parent),
                                                  os.environ.get("PATH", "")])}
    env.pop("PYTHONPATH", None)
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(source)],
         root, env)
    work = root / "elsewhere"
    work.mkdir()
    return {"venv": venv, "python": python, "env": env, "work": work}


def test_the_wheel_holds_the_course_files_and_not_the_instructor_notebooks(installed: dict) -> None:
    code = ("import sys, course, course.paths as p\n"
            "print(course.__file__)\n"
            "print(len(list(p.QUIZZES.glob('*.yaml'))), len(list(p.NOTEBOOKS.glob('*.ipynb'))), "
            "p.NBGRADER_CONFIG.is_file())\n"
            f"print((p.CONTENT / 'source').exists(), {str(REPO)!r} in sys.path)")
    done = _run([str(installed["python"]), "-c", code], installed["work"], installed["env"])
    location, counts, leaks = done.stdout.splitlines()
    assert location.startswith(str(installed["venv"])) and not location.startswith(str(REPO))
    quizzes, notebooks, config = counts.split()
    assert int(quizzes) == len(list((REPO / "quizzes").glob("*.yaml"))) and config == "True"
    assert int(notebooks) == len(list((REPO / "notebooks").glob("*.ipynb")))
    assert leaks == "False False"  # no source/ (hidden tests) in the package; the checkout is not on sys.path


def test_the_installed_notebooks_are_their_narratives_build(installed: dict) -> None:
    """The wheel carries each module's narrative file; the notebooks it ships match them."""
    done = _run([str(installed["venv"] / "bin" / "mesocourse"), "build-notebooks", "--check"], installed["work"],
                installed["env"])
    assert "every one matches its narrative" in done.stdout and str(installed["venv"]) in done.stdout


def test_check_knowledge_runs_from_the_installed_package(installed: dict) -> None:
    done = _run([str(installed["venv"] / "bin" / "mesocourse"), "check-knowledge"], installed["work"], installed["env"])
    assert "valid" in done.stdout and str(installed["venv"]) in done.stdout


def test_the_demo_runs_from_the_installed_package(installed: dict) -> None:
    out = installed["work"] / "demo"
    done = _run([str(installed["venv"] / "bin" / "mesocourse"), "demo", "--out", str(out), "--trainees", "1",
                 "--workers", "1"], installed["work"], installed["env"], timeout=1500)
    assert "Where to look" in done.stdout
    assert (out / "reports" / "cohort-report.html").is_file() and (out / "certification" / "registry.db").is_file()
    for assignment in ("screening", "planning", "depth", "certification"):
        sheet = (out / "reports" / f"grading-{assignment}.csv").read_text()
        assert sheet.startswith("student_id,status,score,max_score,notes\ntrainee1,"), sheet
        assert (out / "source" / assignment / f"{assignment}.ipynb").read_bytes() == \
            (REPO / "source" / assignment / f"{assignment}.ipynb").read_bytes()
