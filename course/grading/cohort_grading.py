"""Grading every submission of an assignment: :func:`grade_cohort`.

The parent process owns the course: it reads the submissions, copies the
assignment out of the gradebook, hands submissions to a pool of workers
(:mod:`.pool`), and for each outcome, in this order, writes the grades into the
course gradebook (one writer, one transaction per submission), publishes the
graded notebooks into ``autograded/`` (where formgrader and feedback read them)
and records the result in the ledger (:mod:`.ledger`). A submission whose files
and assignment are unchanged since it was last graded is not graded again unless
``force`` is set. The gradesheet ``reports/grading-ASSIGNMENT.csv`` is rewritten
at the end of every run, interrupted or not.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from nbgrader.api import InvalidEntry, MissingEntry
from sqlalchemy.exc import SQLAlchemyError

from course.coursedir import Course
from course.nbgrader_api import put_python_tools_on_path

from .errors import GradingError
from .grades import course_extensions, record_grades
from .gradesheet import write_gradesheet
from .ledger import Ledger, Status, SubmissionResult
from .limits import GradingLimits, default_workers
from .pool import GradingPool
from .sandbox import kernel_sandbox
from .snapshot import AssignmentSnapshot, snapshot_assignment
from .speedups import reuse_engines
from .submission_staging import fingerprint_submission
from .worker import GradingOutcome, GradingTask, WorkerSetup, discard, grading_preprocessors

log = logging.getLogger(__name__)

Progress = Callable[[SubmissionResult, int, int], None]  # (result, done, total)
SCRATCH_PREFIX = "mesocourse-grading-"


def _selected(course: Course, assignment: str, students: Iterable[str] | None) -> dict[str, Path]:
    submitted = course.students_with("submitted", assignment)
    excluded = set(filter(None, course.coursedir.student_id_exclude.split(",")))
    submitted = {student: folder for student, folder in submitted.items() if student not in excluded}
    if students is None:
        return submitted
    wanted = list(dict.fromkeys(students))
    if missing := [student for student in wanted if student not in submitted]:
        raise GradingError(f"no submission of '{assignment}' for {', '.join(missing)} "
                           f"(looked for {course.folder('submitted', missing[0], assignment)})")
    return {student: submitted[student] for student in wanted}


def _scratch_root() -> Path:
    """A fresh scratch folder for this run, named after its process; those of runs that were
    killed (their process is gone) are removed first."""
    for stale in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*"):
        try:
            os.kill(int(stale.name.removeprefix(SCRATCH_PREFIX).split("-")[0]), 0)
        except (ProcessLookupError, ValueError):
            shutil.rmtree(stale, ignore_errors=True)
        except PermissionError:
            pass  # alive, and someone else's
    return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))


def publish_autograded(staged: Path, target: Path, max_file_bytes: int) -> None:
    """Replace ``target`` with the graded notebooks in ``staged``, never leaving it half-copied."""

    def unwanted(folder: str, names: list[str]) -> list[str]:
        paths = [Path(folder, name) for name in names]
        return [p.name for p in paths if p.is_symlink() or (p.is_file() and p.stat().st_size > max_file_bytes)]

    for leftover in target.parent.glob(f".{target.name}.*-*"):  # from a run that was killed
        shutil.rmtree(leftover, ignore_errors=True)
    incoming = target.with_name(f".{target.name}.incoming-{uuid.uuid4().hex}")
    shutil.copytree(staged, incoming, ignore=unwanted)
    previous = target.with_name(f".{target.name}.old-{uuid.uuid4().hex}")
    if target.exists():
        target.rename(previous)
    incoming.rename(target)
    shutil.rmtree(previous, ignore_errors=True)


def _accept(course: Course, snapshot: AssignmentSnapshot, outcome: GradingOutcome,
            limits: GradingLimits) -> SubmissionResult:
    """Record one outcome in the course; the result says how it went."""
    notes, score = list(outcome.notes), None
    retry = outcome.retry
    try:
        if outcome.grades is not None and outcome.autograded is not None:
            score = record_grades(course, snapshot.name, outcome.student_id, outcome.grades)
            publish_autograded(outcome.autograded, course.folder("autograded", outcome.student_id, snapshot.name),
                               limits.max_file_bytes)
    except (SQLAlchemyError, InvalidEntry, MissingEntry, OSError) as error:
        notes.append(f"could not record the grades: {error.__class__.__name__}: {str(error)[:300]}")
        score, retry = None, True
    finally:
        discard(outcome.scratch)
    status: Status = "failed" if score is None else "flagged" if notes else "graded"
    return SubmissionResult(outcome.student_id, status, score, snapshot.max_score, tuple(notes),
                            "" if retry else outcome.fingerprint, round(outcome.seconds, 2))


def _grade(course: Course, snapshot: AssignmentSnapshot, tasks: list[GradingTask], ledger: Ledger,
           workers: int, limits: GradingLimits, progress: Progress | None) -> list[SubmissionResult]:
    scratch = _scratch_root()
    sandbox, why = kernel_sandbox(course, scratch, limits.sandbox)
    if sandbox is None and limits.sandbox == "require":
        shutil.rmtree(scratch, ignore_errors=True)
        raise GradingError(f"no kernel sandbox: {why}")
    log.info("grading %d submission(s) of %s with %d worker(s); kernel sandbox: %s",
             len(tasks), snapshot.name, min(workers, len(tasks)), why if sandbox else f"off ({why})")
    setup = WorkerSetup(course, snapshot, limits, scratch, sandbox)
    log_path = course.grading_state / f"{snapshot.name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_bytes(b"")  # the workers' log of this run only
    results = []
    try:
        with GradingPool(min(workers, len(tasks)), setup, log_path) as pool:
            for outcome in pool.grade(tasks):
                result = _accept(course, snapshot, outcome, limits)
                ledger.record(result)
                results.append(result)
                if progress:
                    progress(result, len(results), len(tasks))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def grade_cohort(course: Course, assignment: str, *, workers: int | None = None,
                 students: Iterable[str] | None = None, force: bool = False, progress: Progress | None = None,
                 limits: GradingLimits | None = None) -> list[SubmissionResult]:
    """Grade the submissions of ``assignment`` in an nbgrader course; one result per submission.

    ``students`` restricts grading to those IDs (default: every submission).
    Unchanged submissions keep their earlier result (``fresh=False``) unless
    ``force``. ``progress(result, done, total)`` is called as each fresh result
    lands. Raises :class:`GradingError` when the course or assignment cannot be
    graded at all; a bad submission only yields a ``flagged`` or ``failed`` result.
    """
    limits = limits or GradingLimits()
    put_python_tools_on_path()
    reuse_engines()  # one engine for the course gradebook, however many submissions are recorded
    grading_preprocessors(course)  # refuse a config we cannot honour before any work
    snapshot = snapshot_assignment(course, assignment)
    selected = _selected(course, assignment, students)
    ledger = Ledger(course.grading_state / f"{assignment}.json")
    extensions = course_extensions(course, assignment)
    results: dict[str, SubmissionResult] = {}
    tasks = []
    for student, folder in selected.items():
        fingerprint = hashlib.sha256(f"{snapshot.fingerprint}:{fingerprint_submission(folder)}".encode()).hexdigest()
        earlier = None if force else ledger.current(student, fingerprint)
        if earlier is not None:
            results[student] = earlier
        else:
            tasks.append(GradingTask(student, folder, fingerprint, extensions.get(student)))
    try:
        if tasks:
            for result in _grade(course, snapshot, tasks, ledger, workers or default_workers(), limits, progress):
                results[result.student_id] = result
    finally:
        everyone = sorted(course.students_with("submitted", assignment))
        write_gradesheet(course.gradesheet(assignment), ledger.results(everyone))
    return [results[student] for student in sorted(selected)]
