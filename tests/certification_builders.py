"""Builders for certification tests: real nbgrader courses, gradebooks and registries.

A course is a folder with ``source/<assignment>/<notebook>.ipynb`` whose grade cells
carry the ``mesocourse`` competency tags, and a ``gradebook.db`` filled through
nbgrader's own ``Gradebook`` API. Nothing here replaces the code under test.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import sys
import time
import warnings
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from course.certification.registry import OBSERVATION, Registry
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


def observe(registry: str, trainee: str, procedure: str, level: int, day: str, assessor: str = "Dr Assessor",
            course: Path = Path(".")) -> None:
    """Record one observation through the real command."""
    assert main(["observe", trainee, "--procedure", procedure, "--assessor", assessor, "--entrustment", str(level),
                 "--date", day, "--registry", registry, "--by", "tester", "--course", str(course)]) == 0


def observe_all(registry: str, trainee: str, *, level: int = 3, day: str = "2024-02-01",
                course: Path = Path(".")) -> None:
    """Everything the framework requires: 2 consultation_screening and 3 facial_session observations."""
    for procedure, count in (("consultation_screening", 2), ("facial_session", 3)):
        for _ in range(count):
            observe(registry, trainee, procedure, level, day, course=course)


def mesocourse_command(*args: str) -> list[str]:
    """The command line that runs the real ``mesocourse`` in a fresh process."""
    return [sys.executable, "-m", "course", *args]


def _append_many(url: str, actor: str, count: int, start: multiprocessing.synchronize.Barrier) -> None:
    """One writer process: wait for the other, then append one record per transaction."""
    with Registry(url, create=True) as registry:
        start.wait(timeout=60)
        for number in range(count):
            with registry.transaction(actor) as tx:
                tx.append(OBSERVATION, {"trainee": actor, "procedure": "facial_session", "entrustment": 3,
                                        "date": "2024-01-01", "assessor": actor, "number": number}, trainee=actor)
            time.sleep(0.01)  # an instructor's pace, so the other writer gets its turns


def check_concurrent_appends(url: str, per_writer: int) -> None:
    """Two processes append at once: every record kept, numbered 1..n without gaps."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    writers = [context.Process(target=_append_many, args=(url, actor, per_writer, start)) for actor in ("alice", "bob")]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
        assert writer.exitcode == 0, "a writer failed"
    with Registry(url, create=False) as registry:
        records = registry.records()
    assert [r.seq for r in records] == list(range(1, 2 * per_writer + 1))
    assert Counter(r.trainee for r in records) == {"alice": per_writer, "bob": per_writer}
    assert sorted(r.data["number"] for r in records if r.trainee == "alice") == list(range(per_writer))
    assert len({r.recorded_by for r in records[:per_writer]}) == 2, "the two writers did not interleave"


TRIGGERS = ("registry_records_no_update", "registry_records_no_delete")


def tamper(path: Path, *statements: str, params: tuple = ()) -> None:
    """What an attacker with file access does: drop the guards, change rows."""
    with closing(sqlite3.connect(path)) as db:
        for trigger in TRIGGERS:
            db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in statements:
            db.execute(statement, params) if params else db.execute(statement)
        db.commit()


def rows(path: Path, where: str = "1=1") -> list[sqlite3.Row]:
    """The registry's records, straight from the SQLite file."""
    with closing(sqlite3.connect(path)) as db:
        db.row_factory = sqlite3.Row
        return db.execute(f"SELECT * FROM registry_records WHERE {where} ORDER BY seq").fetchall()


ISSUER = ("--name", "Clinique Test", "--url", "https://clinic.example/mesocourse", "--email",
          "certificates@clinic.example")


def issuing_course(course: Path, trainees: list[Trainee]) -> Path:
    """A course with issuer keys whose trainees are observed (30 days ago) and certified today,
    so their signed credentials are valid now (for JWT libraries that check against the clock)."""
    build_course(course, trainees)
    assert main(["keys", "init", "--course", str(course), *ISSUER]) == 0
    registry = f"sqlite:///{course / 'certification' / 'registry.db'}"
    for trainee in trainees:
        observe_all(registry, trainee.id, day=(date.today() - timedelta(days=30)).isoformat(), course=course)
    assert main(["certify", "--course", str(course), "--by", "Instructor"]) == 0
    return course
