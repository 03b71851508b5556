"""A fresh nbgrader course folder built from this repository's assignments."""

from __future__ import annotations

import shutil
from pathlib import Path

from course.assignments import ASSIGNMENTS
from course.errors import CourseError
from course.paths import REPO_ROOT, SOURCE


def refuse_existing_course(out: Path) -> None:
    """The demo never overwrites a course: :class:`CourseError` if ``out`` already holds one."""
    if (out / "gradebook.db").exists() or (out / "submitted").exists():
        raise CourseError(f"--out {out} already holds a course: choose an empty folder or remove it first")


def build_workspace(out: Path, names: tuple[str, ...] = ASSIGNMENTS) -> list[Path]:
    """Copy ``nbgrader_config.py`` and ``source/`` into ``out`` (which must not hold a
    course yet) and generate the student versions; return the release notebooks."""
    from course.assignments.release import generate_release, release_course

    refuse_existing_course(out)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO_ROOT / "nbgrader_config.py", out / "nbgrader_config.py")
    for name in names:
        shutil.copytree(SOURCE / name, out / "source" / name, dirs_exist_ok=True)
    return generate_release(release_course(out), names)
