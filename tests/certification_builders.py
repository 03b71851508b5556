"""Builders for certification tests: real nbgrader courses, gradebooks and registries.

A course is a folder with ``source/<assignment>/<notebook>.ipynb`` whose grade cells
carry the ``mesocourse`` competency tags, and a ``gradebook.db`` filled through
nbgrader's own ``Gradebook`` API. Nothing here replaces the code under test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from course.cli import main

# nbgrader runs the `alembic` command when it creates a gradebook (as `make test` arranges).
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


@dataclass(frozen=True)
class Item:
    assignment: str
    notebook: str
    grade_id: str
    points: float
    competencies: tuple[str, ...]
    critical: bool = False


# The standard test course: fixed pass marks are screening 0.8, consultation 0.6,
# depth 0.7, technique 0.6, complications 0.7 (course/knowledge/data/competencies.yaml).
ITEMS = (
    Item("ps1", "assessment", "screen_a", 4, ("screening",)),
    Item("ps1", "assessment", "screen_b", 6, ("screening",)),
    Item("ps1", "assessment", "consult", 8, ("consultation",)),
    Item("ps1", "assessment", "pregnancy", 2, ("consultation",), critical=True),
    Item("ps1", "assessment", "depth", 10, ("depth", "technique")),
    Item("ps2", "practice", "aftercare", 5, ("complications",)),
)
FULL = {item.grade_id: item.points for item in ITEMS}


@dataclass
class Trainee:
    id: str
    first: str = "Test"
    last: str = "Trainee"
    email: str = ""
    scores: dict[str, float | None] = field(default_factory=lambda: dict(FULL))
    submitted: tuple[str, ...] = ("ps1", "ps2")


def write_sources(course: Path, items: tuple[Item, ...] = ITEMS) -> None:
    """Source notebooks with one tagged grade cell per item."""
    by_notebook: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        by_notebook.setdefault((item.assignment, item.notebook), []).append(item)
    for (assignment, notebook), cells in by_notebook.items():
        nb = nbformat.v4.new_notebook()
        for item in cells:
            cell = nbformat.v4.new_code_cell(f"assert answer_{item.grade_id}")
            cell.metadata["nbgrader"] = {
                "grade": True, "grade_id": item.grade_id, "points": item.points,
                "solution": False, "locked": True, "schema_version": 3,
            }
            cell.metadata["mesocourse"] = {"competencies": list(item.competencies), "critical": item.critical}
            nb.cells.append(cell)
        path = course / "source" / assignment / f"{notebook}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)


def write_gradebook(course: Path, trainees: list[Trainee], items: tuple[Item, ...] = ITEMS) -> None:
    """``course/gradebook.db`` with the items and each trainee's submissions and scores."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for item in items:
            if item.assignment not in {a.name for a in gb.assignments}:
                gb.add_assignment(item.assignment)
            if item.notebook not in {n.name for n in gb.find_assignment(item.assignment).notebooks}:
                gb.add_notebook(item.notebook, item.assignment)
            gb.add_grade_cell(item.grade_id, item.notebook, item.assignment, max_score=item.points, cell_type="code")
        for trainee in trainees:
            gb.add_student(trainee.id, first_name=trainee.first, last_name=trainee.last, email=trainee.email)
            for assignment in trainee.submitted:
                with warnings.catch_warnings():  # nbgrader's own cascade warning, not ours
                    warnings.simplefilter("ignore", SAWarning)
                    gb.add_submission(assignment, trainee.id)
            for item in items:
                if item.assignment in trainee.submitted:
                    grade = gb.find_grade(item.grade_id, item.notebook, item.assignment, trainee.id)
                    grade.auto_score = trainee.scores[item.grade_id]
                    grade.needs_manual_grade = False
            gb.db.commit()


def build_course(course: Path, trainees: list[Trainee], items: tuple[Item, ...] = ITEMS) -> Path:
    course.mkdir(parents=True, exist_ok=True)
    write_sources(course, items)
    write_gradebook(course, trainees, items)
    return course


def observe(registry: str, trainee: str, procedure: str, level: int, day: str, assessor: str = "Dr Assessor") -> None:
    """Record one observation through the real command."""
    assert main(["observe", trainee, "--procedure", procedure, "--assessor", assessor,
                 "--entrustment", str(level), "--date", day, "--registry", registry, "--by", "tester"]) == 0


def observe_all(registry: str, trainee: str, *, level: int = 3, day: str = "2024-02-01") -> None:
    """Everything the framework requires: 2 consultation_screening and 3 facial_session observations."""
    for procedure, count in (("consultation_screening", 2), ("facial_session", 3)):
        for _ in range(count):
            observe(registry, trainee, procedure, level, day)


def mesocourse(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``mesocourse`` command in a fresh process."""
    return subprocess.run([sys.executable, "-m", "course", *args], capture_output=True, text=True, cwd=cwd, timeout=300)
