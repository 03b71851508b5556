"""Grading one submission, in a worker process, away from the course.

For each submission the worker:

1. stages a repaired copy of it in a fresh scratch folder outside the course
   (:mod:`.submission_staging`); the original is only read;
2. loads the assignment into a private gradebook that exists only in its memory
   (:mod:`.snapshot`);
3. runs nbgrader's own autograde (``NbGraderAPI.autograde``) on the scratch copy
   with the course's nbgrader config, nbgrader's ``Execute`` replaced by
   :class:`.execution.SandboxedExecute` and deleted cells restored; kernels are
   forked from the worker's warm zygote (:mod:`.kernel_zygote`);
4. hands back the grades as plain data, the notes (what staging repaired, what the
   course's sanitiser removed from answer cells, what went wrong while running) and
   the graded notebooks (:class:`GradingOutcome`); the parent records them in the course.

The kernel therefore runs in a folder that holds neither a gradebook nor the
instructor's notebooks, and nothing this worker does touches the course until
the parent accepts the outcome.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from traitlets.config import Config

from course.coursedir import Course
from course.grading.integrity import neutralised
from course.nbgrader_api import failure_reason

from .errors import GradingError
from .execution import SandboxedExecute, execution_session
from .grades import SubmissionGrades, prepare_student, read_grades, score_zero
from .kernel_zygote import Zygote
from .limits import GradingLimits
from .sandbox import KernelSandbox
from .snapshot import AssignmentSnapshot, MemoryGradebook
from .submission_staging import stage_submission

EXECUTE_NAMES = {"nbgrader.preprocessors.Execute", "nbgrader.preprocessors.execute.Execute"}


@dataclass(frozen=True)
class GradingTask:
    student_id: str
    submission: Path  # the original folder: only ever read
    fingerprint: str
    extension: timedelta | None = None


@dataclass(frozen=True)
class WorkerSetup:
    """What every worker needs, sent once when it starts."""

    course: Course
    snapshot: AssignmentSnapshot
    limits: GradingLimits
    scratch_root: Path
    sandbox: KernelSandbox | None


@dataclass(frozen=True)
class GradingOutcome:
    """A worker's answer for one submission: grades (None if it could not be graded) and notes."""

    student_id: str
    fingerprint: str
    grades: SubmissionGrades | None
    notes: tuple[str, ...]
    autograded: Path | None  # the graded notebooks, in the scratch folder
    scratch: Path | None  # delete once the outcome is recorded
    seconds: float
    retry: bool = False  # failed for a reason the submission is not to blame for: try again next run

    @classmethod
    def failed(cls, task: GradingTask, notes: list[str], seconds: float = 0.0,
               scratch: Path | None = None, retry: bool = False) -> GradingOutcome:
        return cls(task.student_id, task.fingerprint, None, tuple(notes), None, scratch, seconds, retry)


def grading_preprocessors(course: Course) -> list[object]:
    """The course's autograde preprocessors with nbgrader's ``Execute`` replaced by ours."""
    from nbgrader.converters import Autograde

    configured = course.config.Autograde.get("autograde_preprocessors")
    preprocessors = list(configured or Autograde.class_traits()["autograde_preprocessors"].default())
    swapped = [SandboxedExecute if item is Execute or item in EXECUTE_NAMES else item for item in preprocessors]
    if SandboxedExecute not in swapped:
        raise GradingError(f"{course.root}: the nbgrader config removes nbgrader's Execute preprocessor from "
                           "Autograde.autograde_preprocessors; mesocourse grade runs cells through it")
    return swapped


class SubmissionGrader:
    """Grades submissions one at a time against the assignment snapshot."""

    def __init__(self, setup: WorkerSetup) -> None:
        self.setup = setup
        self.course = setup.course
        self.preprocessors = grading_preprocessors(self.course)
        self.zygote = Zygote()  # forks this worker's kernels; it dies with the worker

    @property
    def assignment(self) -> str:
        return self.setup.snapshot.name

    def _config(self, staging: Path, db_url: str) -> Config:
        """The course's nbgrader config, pointed at the scratch copy and the private gradebook."""
        config = copy.deepcopy(self.course.config)
        config.CourseDirectory.root = str(staging)
        config.CourseDirectory.db_url = db_url
        config.CourseDirectory.submitted_directory = "submitted"
        config.CourseDirectory.autograded_directory = "autograded"
        config.CourseDirectory.source_directory = str(self.course.source)
        config.CourseDirectory.student_id_exclude = ""
        config.CourseDirectory.notebook_id = "*"
        config.Autograde.autograde_preprocessors = self.preprocessors
        config.OverwriteCells.add_missing_cells = True  # deleted task cells come back (see integrity.py)
        config.AssignVariant.course_root = str(self.course.root)  # the secret is the course's, not the scratch copy's
        return config

    def grade(self, task: GradingTask) -> GradingOutcome:
        started = time.monotonic()
        scratch = Path(tempfile.mkdtemp(prefix="submission-", dir=self.setup.scratch_root))
        try:
            return self._grade(task, scratch, started)
        except Exception as error:  # a grader bug must not stop the batch either
            traceback.print_exc()
            return GradingOutcome.failed(task, [f"internal error while grading: {error.__class__.__name__}: "
                                                f"{str(error)[:300]}"], time.monotonic() - started, scratch,
                                         retry=True)

    def _grade(self, task: GradingTask, scratch: Path, started: float) -> GradingOutcome:
        with MemoryGradebook(self.setup.snapshot.image, name=f"worker-{os.getpid()}") as gradebook:
            config = self._config(scratch / "course", gradebook.url)
            coursedir = CourseDirectory(config=config)
            submitted = Path(coursedir.format_path("submitted", task.student_id, self.assignment))
            intake = stage_submission(task.submission, submitted, self.setup.snapshot,
                                      self.setup.limits.max_file_bytes)
            if not intake.notebooks:
                return GradingOutcome.failed(task, [*intake.notes, "no notebook of the assignment could be graded"],
                                             time.monotonic() - started, scratch)
            prepare_student(gradebook.url, self.assignment, task.student_id, task.extension)
            api = NbGraderAPI(coursedir=coursedir, config=config)
            with execution_session(self.setup.limits, scratch, self.setup.sandbox, self.zygote) as session:
                result = api.autograde(self.assignment, task.student_id, force=True, create=True)
            notes = [*intake.notes, *dict.fromkeys(session.incidents)]
            if not result["success"]:
                print(f"--- nbgrader could not grade {task.student_id} ---", result.get("log", ""),
                      result.get("error", ""), sep="\n")
                reason = f"nbgrader could not grade it: {failure_reason(result)}"
                if self.setup.sandbox and "Kernel died before replying" in reason:
                    reason += " (if every submission fails so, grade with --sandbox off and report it)"
                return GradingOutcome.failed(task, [*notes, reason], time.monotonic() - started, scratch,
                                             retry=True)
            if intake.deleted_grades:
                score_zero(gradebook.url, self.assignment, task.student_id, intake.deleted_grades)
            grades = read_grades(gradebook.url, self.assignment, task.student_id)
        autograded = Path(coursedir.format_path("autograded", task.student_id, self.assignment))
        notes += _neutralised(autograded, intake.notebooks)
        return GradingOutcome(task.student_id, task.fingerprint, grades, tuple(notes), autograded, scratch,
                              time.monotonic() - started)


def _neutralised(autograded: Path, notebooks: list[str]) -> list[str]:
    """What the course's sanitiser (``LiteralAnswers``) removed from each graded notebook, in words."""
    notes = []
    for name in notebooks:
        try:
            cells = json.loads((autograded / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError):
            continue  # nbgrader wrote no such notebook: its cells are already reported
        notes += neutralised(cells, f"{name}.ipynb")
    return notes


def discard(scratch: Path | None) -> None:
    """Delete a scratch folder, read-only files (nbgrader makes graded notebooks 444) included."""
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)
