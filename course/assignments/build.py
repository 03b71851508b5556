"""Build the graded assignments' source notebooks from their case data.

``write_sources`` writes ``source/<assignment>/<assignment>.ipynb`` for each
assignment of ``course.assignments.catalog``: the expected answers, computed by
the engines when the case data is loaded, are frozen into the hidden tests by
``course.assignments.notebook``. Building is deterministic: rebuilding writes
identical files. The CLI entry point is ``mesocourse release``
(``course.assignments.release``), which builds and then generates ``release/``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from course.assignments.catalog import ASSIGNMENTS, load_assignment, reference_answers
from course.assignments.notebook import build_notebook

__all__ = ["ASSIGNMENTS", "build_notebook", "load_assignment", "reference_answers", "source_path", "write_sources"]


def source_path(course_dir: Path | str, name: str) -> Path:
    return Path(course_dir) / "source" / name / f"{name}.ipynb"


def write_sources(course_dir: Path | str, names: tuple[str, ...] = ASSIGNMENTS) -> list[Path]:
    """Write ``source/<name>/<name>.ipynb`` under ``course_dir`` for each assignment."""
    written = []
    for name in names:
        path = source_path(course_dir, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(build_notebook(load_assignment(name)), path)
        written.append(path)
    return written
