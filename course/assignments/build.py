"""Build the graded assignments' source notebooks from their case data.

``write_sources`` writes ``<assignment>/<assignment>.ipynb`` into the course's
source folder (``source/`` unless its nbgrader config says otherwise) for each
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
from course.coursedir import Course

__all__ = ["ASSIGNMENTS", "build_notebook", "load_assignment", "reference_answers", "source_path", "write_sources"]


def source_path(course: Course | Path | str, name: str) -> Path:
    """Where assignment ``name``'s source notebook goes: ``<name>/<name>.ipynb`` in the course's
    source folder (``CourseDirectory.source_directory`` of its config, ``source/`` by default)."""
    return _course(course).source / name / f"{name}.ipynb"


def write_sources(course: Course | Path | str, names: tuple[str, ...] = ASSIGNMENTS) -> list[Path]:
    """Write each assignment's source notebook into ``course``'s source folder (:func:`source_path`).

    Case data the engines refuse raises ``KnowledgeError`` naming its file, item and
    field before any notebook is written."""
    course = _course(course)
    notebooks = {source_path(course, name): build_notebook(load_assignment(name)) for name in names}
    for path, notebook in notebooks.items():  # every assignment is built before one is written
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, path)
    return list(notebooks)


def _course(course: Course | Path | str) -> Course:
    """The course model of a folder (any folder: one without a config gets nbgrader's defaults)."""
    return course if isinstance(course, Course) else Course(Path(course))
