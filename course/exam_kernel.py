"""The exam kernel: an IPython kernel where the course's engines, knowledge base and widgets
cannot be imported.

An assignment marked ``exam: true`` in its case data (the certification exam) is
meant to be taken in this kernel. ``python -m course.exam_kernel -f
CONNECTION_FILE`` installs an import guard, sets ``MESOCOURSE_EXAM=1`` and starts
ipykernel. The guard refuses:

- every ``course`` module except what an assignment notebook needs: ``check()``
  (:mod:`course.assignments.check`, reading the frozen ``course/assignments/formats/``), the grader
  (:mod:`course.assignments.grader`) and the trainee's own patients
  (:mod:`course.assignments.variant_view`, :mod:`course.assignments.allocation`);
  so ``import course.screening`` fails, and so does reading the knowledge base
  through the package (``importlib.resources.files("course.knowledge")``);
- ``ipywidgets`` (the teaching modules' widgets) and ``yaml`` (the knowledge base's format).

The kernelspec is ``course/exam_kernelspec/kernel.json`` (its command is
``python``, which Jupyter runs as the Python of the environment that starts it). A
regular ``pip install`` puts it in the environment's ``share/jupyter/kernels``; ``make
setup`` installs it into the project's ``.venv`` (an editable install carries no data
files); the hub copies it into ``STATE/share/kernels``. So ``nbgrader autograde``,
``mesocourse grade``, the demo and every server of the hub find it. An exam assignment's
notebooks name it in their ``kernelspec`` metadata, so they are graded in it too (the
grader and the hidden tests need nothing the guard refuses).

**What exam mode does not prevent.** By itself it is a guard against using the course's own
tools during the exam, not a sandbox: Python code can remove the guard from
``sys.meta_path``, or open the package's YAML files by their path on disk. Under the
hub a trainee's server starts only this kernel for a notebook in an exam assignment's
folder (:mod:`course.hub.exam_kernels`), and in an exam session it starts it inside the
grading's Landlock sandbox, which lets it read only :func:`package_files` of this package
(:mod:`course.hub.exam_guard`); a file it may not open is reported to the exam log
(:func:`report_refused_files`). Elsewhere, and for a copy of the notebook outside that
folder, a terminal or a browser tab, an invigilator is what enforces it. ``check()`` warns,
in an exam, when it is not running in this kernel.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

KERNEL_NAME = "mesocourse-exam"  # also the folder of pyproject.toml's data-files (tests/test_installed.py)
KERNELSPEC_FOLDER = Path(__file__).with_name("exam_kernelspec")  # kernel.json, as Jupyter reads it
ENVIRONMENT_KERNELS = Path(sys.prefix) / "share" / "jupyter" / "kernels"  # this Python environment's, as --sys-prefix
EXAM_ENV = "MESOCOURSE_EXAM"  # "1" in an exam kernel: check() warns an exam notebook running elsewhere
ALLOWED = frozenset({
    "course", "course.assignments", "course.assignments.check", "course.assignments.questions",
    "course.assignments.grader", "course.assignments.variant_view", "course.assignments.allocation",
    "course.exam_kernel", "course.dates", "course.errors",
    "course.coursedir",  # the trainee's own nbgrader config, for their student id
    "course.exam_reports",  # reports a file it may not open (under the hub)
})
PACKAGE_DATA = ("assignments/formats", "exam_kernelspec")  # what check() reads: formats, this kernel's spec
REFUSED_PACKAGES = ("ipywidgets", "yaml")


def refused(name: str) -> bool:
    """Whether the guard refuses the module ``name``."""
    top = name.split(".")[0]
    return (top == "course" and name not in ALLOWED) or top in REFUSED_PACKAGES


class ExamImports(importlib.abc.MetaPathFinder):
    """Refuses the course's engines, knowledge base and widgets (see the module docstring)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if refused(name):
            raise ModuleNotFoundError(f"{name} is not available in exam mode", name=name)
        return None


def guard() -> None:
    """Install the import guard in this process (first on ``sys.meta_path``) and mark exam mode.

    Refused modules this process had already imported (a kernel forked from a grading
    zygote, ``course.grading.kernel_zygote``) are forgotten, so importing them again is refused."""
    for name in [name for name in sys.modules if refused(name)]:
        del sys.modules[name]
        parent, _, child = name.rpartition(".")
        if parent in sys.modules and hasattr(sys.modules[parent], child):
            delattr(sys.modules[parent], child)  # `from course import screening` too
    if not any(isinstance(finder, ExamImports) for finder in sys.meta_path):
        sys.meta_path.insert(0, ExamImports())
    os.environ[EXAM_ENV] = "1"


@functools.cache
def kernelspec() -> dict[str, Any]:
    """The exam kernel's ``kernel.json``: how Jupyter starts it, its display name and language."""
    spec: dict[str, Any] = json.loads((KERNELSPEC_FOLDER / "kernel.json").read_text(encoding="utf-8"))
    return spec


def kernel_module() -> str:
    """The module the kernelspec runs (``python -m MODULE``): a grading zygote forks it."""
    return str(kernelspec()["argv"][2])


def notebook_kernelspec() -> dict[str, str]:
    """What an exam notebook's ``kernelspec`` metadata says: this kernel's name, display name and language."""
    spec = kernelspec()
    return {"display_name": spec["display_name"], "language": spec["language"], "name": KERNEL_NAME}


def write_kernelspec(kernels: Path | str) -> Path:
    """Copy the kernelspec into ``kernels/mesocourse-exam/`` (a Jupyter data folder's ``kernels``)."""
    folder = Path(kernels) / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(KERNELSPEC_FOLDER / "kernel.json", folder / "kernel.json")
    return folder


def installed_at() -> Path | None:
    """Where Jupyter finds this kernel from this process (its folder), or None."""
    from jupyter_client.kernelspec import KernelSpecManager

    found = KernelSpecManager().find_kernel_specs().get(KERNEL_NAME)
    return Path(found) if found else None


def package_files() -> list[Path]:
    """The files of the ``course`` package this kernel reads: the modules it may import (with
    their compiled bytecode) and :data:`PACKAGE_DATA`. Under the hub's exam sandbox these are
    all it may read of the package: not the knowledge base, not an engine's source."""
    package = Path(__file__).resolve().parent
    files = [package / folder for folder in PACKAGE_DATA]
    for name in sorted(ALLOWED):
        parts = name.split(".")[1:]
        module = package.joinpath(*parts)
        source = module / "__init__.py" if module.is_dir() else module.with_suffix(".py")
        files += [source, Path(importlib.util.cache_from_source(str(source)))]
    return [path for path in files if path.exists()]


def report_refused_files(result: Any) -> None:
    """After a cell (IPython's ``post_run_cell``): a file it was refused (PermissionError) goes to
    the exam log, through the course service (:mod:`course.exam_reports`)."""
    error = getattr(result, "error_in_exec", None)
    if isinstance(error, PermissionError):
        from course.exam_reports import report_in_background

        report_in_background("file", f"{error.filename or ''}: {error.strerror or error}")


def main() -> None:
    guard()
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize()
    if app.shell is not None:
        app.shell.events.register("post_run_cell", report_refused_files)
    app.start()


if __name__ == "__main__":
    main()
