"""Releasing the graded assignments: build the source notebooks, then generate ``release/``
(``mesocourse release``: :mod:`course.assignments.cli.release`).

Building also refreshes ``check()``'s frozen formats in the package
(``course.assignments.build.write_formats``) when the case data changed them.

The student versions are made by nbgrader's own ``generate_assignment`` (through
``nbgrader.apps.NbGraderAPI``) with the course's nbgrader config
(:class:`course.coursedir.Course`), which also records the assignments in the
course's gradebook, ready for ``nbgrader autograde``.
"""

from __future__ import annotations

from pathlib import Path

from course.assignments.allocation import ensure_secret, write_key
from course.assignments.build import ASSIGNMENTS
from course.coursedir import CONFIG_FILE, Course
from course.errors import CourseError
from course.exam_kernel import ENVIRONMENT_KERNELS, KERNEL_NAME, KERNELSPEC_FOLDER, installed_at, write_kernelspec


def releasable(course: Course) -> Course:
    """``course``, if it can be released into: it must have its own ``nbgrader_config.py``."""
    if not course.config_file.is_file():
        raise CourseError(f"{course.root}: no {CONFIG_FILE} (is this the course directory?)")
    return course


def prepare_variants(course: Course, names: tuple[str, ...] = ASSIGNMENTS) -> Path:
    """The course secret (created when missing) and each assignment's key beside its source
    notebook, for nbgrader to release with it; returns the secret's path."""
    secret = ensure_secret(course)
    for name in names:
        write_key(course, course.source / name, name)
    return secret


def install_exam_kernel() -> str:
    """The exam kernel, which exam notebooks name and are graded in: found where Jupyter looks
    (installed with the project, see :mod:`course.exam_kernel`), else installed in this
    Python environment's Jupyter data folder. Returns what was found or done, in words."""
    found = installed_at()
    if found is not None:
        return f"{found} (the exam kernel)"
    try:
        return f"{write_kernelspec(ENVIRONMENT_KERNELS)} (the exam kernel, installed now)"
    except OSError as error:
        return (f"the exam kernel is not installed, and {ENVIRONMENT_KERNELS} is not writable ({error.strerror}): exam "
                "notebooks cannot be graded here until it is "
                f"(jupyter kernelspec install --sys-prefix --name {KERNEL_NAME} {KERNELSPEC_FOLDER})")


def generate_release(course: Course, names: tuple[str, ...] = ASSIGNMENTS) -> list[Path]:
    """Run nbgrader's generate_assignment for each assignment: ``release/<name>/<name>.ipynb``."""
    from nbgrader.apps import NbGraderAPI

    from course.nbgrader_api import failure_reason, put_python_tools_on_path

    put_python_tools_on_path()
    api = NbGraderAPI(coursedir=course.coursedir, config=course.config)
    written = []
    for name in names:
        result = api.generate_assignment(name, force=True)
        if not result["success"]:
            raise CourseError(f"nbgrader generate_assignment {name} failed: {failure_reason(result)}")
        written.append(course.release / name / f"{name}.ipynb")
    return written
