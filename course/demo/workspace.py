"""A fresh nbgrader course folder built from the package's assignments."""

from __future__ import annotations

import shutil
from pathlib import Path

from course.assignments import ASSIGNMENTS
from course.coursedir import Course
from course.errors import CourseError
from course.paths import NBGRADER_CONFIG


def refuse_existing_course(out: Path) -> None:
    """The demo never overwrites a course: :class:`CourseError` if ``out`` already holds one."""
    if (out / "gradebook.db").exists() or (out / "submitted").exists():
        raise CourseError(f"--out {out} already holds a course: choose an empty folder or remove it first")


def build_workspace(out: Path, names: tuple[str, ...] = ASSIGNMENTS) -> tuple[Course, list[Path]]:
    """Copy the course's ``nbgrader_config.py`` into ``out`` (which must not hold a course
    yet), build ``source/`` from the case data (the same notebooks as the repository's
    ``source/``) and generate the student versions; return the course and its release notebooks."""
    from course.assignments.build import write_sources
    from course.assignments.release import generate_release, prepare_variants, releasable

    refuse_existing_course(out)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(NBGRADER_CONFIG, out / "nbgrader_config.py")
    course = releasable(Course.open(out))
    write_sources(course, names)
    prepare_variants(course, names)  # each trainee answers their own variant
    return course, generate_release(course, names)
