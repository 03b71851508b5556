"""A fresh nbgrader course folder built from this repository's assignments."""

from __future__ import annotations

import shutil
from pathlib import Path

from course.assignments.build import ASSIGNMENTS
from course.assignments.release import generate_release, release_course
from course.errors import CourseError
from course.paths import REPO_ROOT, SOURCE


def build_workspace(out: Path, names: tuple[str, ...] = ASSIGNMENTS) -> list[Path]:
    """Copy ``nbgrader_config.py`` and ``source/`` into ``out`` (which must not hold a
    course yet) and generate the student versions; return the release notebooks."""
    if (out / "gradebook.db").exists() or (out / "submitted").exists():
        raise CourseError(f"--out {out} already holds a course: choose an empty folder or remove it first")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO_ROOT / "nbgrader_config.py", out / "nbgrader_config.py")
    for name in names:
        shutil.copytree(SOURCE / name, out / "source" / name, dirs_exist_ok=True)
    return generate_release(release_course(out), names)
