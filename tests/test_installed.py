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


EXAM_SANDBOX_PROBE = """
import os, subprocess, sys
from pathlib import Path
import course
from course.exam_kernel import package_files
from course.grading import kernel_launcher
from course.grading.sandbox import exam_sandbox
if kernel_launcher.landlock_abi() < 1:
    print("no Landlock"); sys.exit(0)
exam = Path.cwd() / "exam"
exam.mkdir(exist_ok=True)
sandbox, why = exam_sandbox(exam, package_files(), Path.cwd() / "scratch")
package = Path(course.__file__).parent
site = package.parent
probe = ("import sys, course.assignments.check\\n"
         "for path in sys.argv[1:]:\\n"
         "    try: open(path, 'rb').read(1); print('read', path)\\n"
         "    except PermissionError: print('refused', path)\\n")
targets = [package / "knowledge" / "data" / "screening.yaml", package / "screening.py",
           package / "assignments" / "check.py", *sorted(site.glob("mesocourse-*.dist-info/METADATA"))]
done = subprocess.run([sys.executable, "-I", kernel_launcher.__file__, *sandbox.launcher_options(), "--",
                       sys.executable, "-c", probe, *map(str, targets)], capture_output=True, text=True, cwd=exam)
print(why, str(site) in sandbox.listed, str(package) in sandbox.read, done.returncode)
print(done.stdout + done.stderr)
"""


def test_the_exam_sandbox_of_an_installed_package_hides_its_knowledge_base_but_not_site_packages(
        installed: dict) -> None:
    """Installed by pip, ``course`` lies in site-packages, which the exam kernel must read: site-packages is
    listed, its other entries read, and of ``course`` only the exam kernel's own files
    (``course.grading.sandbox.exam_sandbox``)."""
    done = _run([str(installed["python"]), "-c", EXAM_SANDBOX_PROBE], installed["work"], installed["env"])
    if done.stdout.startswith("no Landlock"):
        pytest.skip("this Linux kernel has no Landlock")
    summary, *lines = done.stdout.splitlines()
    assert summary == "Landlock True False 0", done.stdout
    outcome = dict(reversed(line.split(" ", 1)) for line in lines if line.startswith(("read ", "refused ")))
    assert [outcome[path] for path in sorted(outcome) if "/knowledge/" in path or path.endswith("/screening.py")] == \
        ["refused", "refused"], done.stdout
    assert [value for path, value in outcome.items() if path.endswith(("check.py", "METADATA"))] == \
        ["read", "read"], done.stdout
