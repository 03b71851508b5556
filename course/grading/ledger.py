"""What has been graded, from which files: the memory that makes grading resumable.

One JSON file per assignment under the course's ``.mesocourse/`` folder maps each
student to the result of their last grading and the fingerprint of the files
(and of the assignment) it was graded from. The parent rewrites it atomically
right after each result is in the gradebook, so a run stopped at any moment (Ctrl-C,
``kill -9``, a power cut) loses at most the submissions in flight, which the next
run grades again; grading a submission twice writes the same grades, so nothing
is ever duplicated.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

Status = Literal["graded", "flagged", "failed"]


@dataclass(frozen=True)
class SubmissionResult:
    """One trainee's submission of one assignment, as last graded.

    ``status`` is ``graded``, ``flagged`` (graded, but something was wrong with
    the submission: see ``notes``) or ``failed`` (could not be graded: ``score``
    is None and the gradebook was left as it was). ``score`` is nbgrader's total
    for the submission, manual grades included. ``fresh`` is True when this run
    graded it, False when it was unchanged since an earlier run.
    """

    student_id: str
    status: Status
    score: float | None
    max_score: float
    notes: tuple[str, ...]
    fingerprint: str
    seconds: float
    fresh: bool = True


class Ledger:
    """The grading results of one assignment, persisted after every change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._results: dict[str, SubmissionResult] = {}
        if path.is_file():
            try:
                rows = json.loads(path.read_text(encoding="utf-8"))["results"]
                self._results = {row["student_id"]: SubmissionResult(**{**row, "notes": tuple(row["notes"]),
                                                                        "fresh": False})
                                 for row in rows}
            except (ValueError, KeyError, TypeError):
                self._results = {}  # unreadable state only costs a regrade

    def current(self, student_id: str, fingerprint: str) -> SubmissionResult | None:
        """The recorded result if it was graded from exactly these files, else None."""
        result = self._results.get(student_id)
        return result if result is not None and result.fingerprint == fingerprint else None

    def record(self, result: SubmissionResult) -> None:
        self._results[result.student_id] = result
        self._save()

    def results(self, students: list[str]) -> list[SubmissionResult]:
        return [self._results[student] for student in students if student in self._results]

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        rows = [{key: value for key, value in asdict(result).items() if key != "fresh"}
                for result in self._results.values()]
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"results": rows}, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)
