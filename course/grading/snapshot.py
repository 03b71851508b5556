"""The assignment as the course gradebook knows it, copied for grading in isolation.

A grading worker never opens the course gradebook. Once per run the parent copies
the assignment's rows (notebooks, grade, solution and task cells, and the
instructor's source cells, hidden tests included) into a SQLite image held in
memory; each worker grades one submission against its own in-memory copy of that
image (:class:`MemoryGradebook`) and hands the grades back as plain data. So:

- the hidden tests never sit in a file that trainee code could open while it runs;
- the course database has exactly one writer, the parent, whatever its backend;
- a worker killed mid-submission leaves nothing half-written in the course.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import nbgrader
from nbgrader.api import Assignment, Gradebook, MissingEntry
from sqlalchemy.exc import SQLAlchemyError

from course.coursedir import Course

from .errors import GradingError


@dataclass(frozen=True)
class CellSpec:
    """One nbgrader cell of a source notebook, as the gradebook records it."""

    name: str
    cell_type: str
    locked: bool
    grade: bool = False
    solution: bool = False
    task: bool = False
    points: float = 0.0

    @property
    def is_test(self) -> bool:
        """An autograder test: a graded code cell the trainee does not answer in."""
        return self.grade and not self.solution and self.cell_type == "code"


@dataclass(frozen=True)
class NotebookSpec:
    name: str
    cells: tuple[CellSpec, ...]  # in the source notebook's order

    @property
    def filename(self) -> str:
        return f"{self.name}.ipynb"


@dataclass(frozen=True)
class AssignmentSnapshot:
    """What grading needs to know about an assignment, with a gradebook image of it."""

    name: str
    max_score: float
    notebooks: tuple[NotebookSpec, ...]
    image: bytes  # a SQLite database holding this assignment and nothing else
    fingerprint: str  # changes whenever the instructor changes the assignment


class MemoryGradebook:
    """A SQLite database that lives only in this process's memory.

    Every connection this process opens to :attr:`url` (nbgrader opens many) sees
    the same database, for as long as this object is open; other processes cannot
    reach it at all.
    """

    def __init__(self, image: bytes | None = None, name: str | None = None) -> None:
        """A new database holding ``image``; ``name`` (default: a fresh one) makes its URL the same each time,
        so engines kept for that URL (:func:`.speedups.reuse_engines`) serve the next one too. Given an
        image, the database of a name still open elsewhere in this process is replaced by it."""
        self._uri = f"file:mesocourse-{name or uuid4().hex}?mode=memory&cache=shared"
        self._keeper = sqlite3.connect(self._uri, uri=True)
        if image is not None:
            loaded = sqlite3.connect(":memory:")
            try:
                loaded.deserialize(image)
                loaded.backup(self._keeper)
            finally:
                loaded.close()

    @property
    def url(self) -> str:
        return f"sqlite:///{self._uri}&uri=true"

    def image(self) -> bytes:
        return self._keeper.serialize()

    def close(self) -> None:
        self._keeper.close()

    def __enter__(self) -> MemoryGradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mesocourse"


def empty_gradebook_image() -> bytes:
    """An empty gradebook exactly as nbgrader creates one.

    nbgrader stamps a new gradebook by running the ``alembic heads`` command
    (seconds), so the image is kept in the user's cache, one per nbgrader version.
    """
    cached = _cache_folder() / f"empty-gradebook-nbgrader-{nbgrader.__version__}.sqlite"
    if cached.is_file():
        return cached.read_bytes()
    with MemoryGradebook() as memory:
        Gradebook(memory.url).close()
        image = memory.image()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cached.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(image)
        os.replace(temporary, cached)
    except OSError:
        pass  # no cache: the next run creates it again
    return image


def _notebook_specs(assignment: Assignment) -> tuple[NotebookSpec, ...]:
    specs = []
    for notebook in assignment.notebooks:
        grades = {cell.name: cell for cell in notebook.grade_cells}
        solutions = {cell.name for cell in notebook.solution_cells}
        tasks = {cell.name: cell for cell in notebook.task_cells}
        cells = []
        for source in notebook.source_cells:
            graded = grades.get(source.name) or tasks.get(source.name)
            cells.append(CellSpec(
                name=source.name, cell_type=source.cell_type, locked=bool(source.locked),
                grade=source.name in grades, solution=source.name in solutions, task=source.name in tasks,
                points=float(graded.max_score) if graded else 0.0))
        specs.append(NotebookSpec(notebook.name, tuple(cells)))
    return tuple(specs)


def _copy_assignment(assignment: Assignment, target: Gradebook) -> None:
    """Copy one assignment's structure (no student, no grade) into another gradebook."""
    target.add_assignment(assignment.name, duedate=assignment.duedate)
    for notebook in assignment.notebooks:
        target.add_notebook(notebook.name, assignment.name, kernelspec=notebook.kernelspec)
        for source in notebook.source_cells:
            target.add_source_cell(source.name, notebook.name, assignment.name, cell_type=source.cell_type,
                                   locked=source.locked, source=source.source, checksum=source.checksum)
        for cell in notebook.grade_cells:
            target.add_grade_cell(cell.name, notebook.name, assignment.name,
                                  max_score=cell.max_score, cell_type=cell.cell_type)
        for cell in notebook.solution_cells:
            target.add_solution_cell(cell.name, notebook.name, assignment.name)
        for cell in notebook.task_cells:
            target.add_task_cell(cell.name, notebook.name, assignment.name,
                                 max_score=cell.max_score, cell_type=cell.cell_type)


def _fingerprint(assignment: Assignment) -> str:
    content = {
        "duedate": str(assignment.duedate),
        "notebooks": [
            {"name": notebook.name, "kernelspec": notebook.kernelspec,
             "sources": [(c.name, c.cell_type, bool(c.locked), c.checksum, c.source) for c in notebook.source_cells],
             "points": sorted((c.name, float(c.max_score)) for c in [*notebook.grade_cells, *notebook.task_cells])}
            for notebook in assignment.notebooks
        ],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def snapshot_assignment(course: Course, assignment: str) -> AssignmentSnapshot:
    """Copy ``assignment`` out of the course gradebook; :class:`GradingError` if it is not there."""
    course.gradebook()
    try:
        with Gradebook(course.db_url, course.course_id) as gradebook:
            try:
                found = gradebook.find_assignment(assignment)
            except MissingEntry:
                raise GradingError(f"assignment '{assignment}' is not in the gradebook {course.db_url}; "
                                   f"run `nbgrader generate_assignment {assignment}` in {course.root} first") from None
            if not found.notebooks:
                raise GradingError(f"assignment '{assignment}' has no notebook in the gradebook {course.db_url}")
            notebooks, fingerprint = _notebook_specs(found), _fingerprint(found)
            max_score = float(found.max_score)
            with MemoryGradebook(empty_gradebook_image()) as memory:
                with Gradebook(memory.url, course.course_id) as copy:
                    _copy_assignment(found, copy)
                image = memory.image()
    except SQLAlchemyError as error:
        raise GradingError(f"cannot read the gradebook {course.db_url}: {error.__class__.__name__}: "
                           f"{error}; if nbgrader was upgraded, run `nbgrader db upgrade`") from error
    return AssignmentSnapshot(assignment, max_score, notebooks, image, fingerprint)
