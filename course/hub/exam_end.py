"""The end of a trainee's exam: the hub hands in her notebook, and a later hand-in is refused.

- :func:`collect_exam` copies the exam's folder from the trainee's home into nbgrader's
  exchange inbox as nbgrader's own ``submit`` lays it out (``STUDENT+ASSIGNMENT+TIMESTAMP+RANDOM``
  with ``timestamp.txt``), so ``nbgrader collect`` and formgrader take it like any hand-in. The
  spawner calls it (as root) when her exam profile ends: her end time passed, or the session closed.
- :class:`ExamSubmit` is nbgrader's file-system ``submit`` (the Assignments tab's Submit and
  ``nbgrader submit``), refusing the hand-in of an exam assignment whose session has ended for
  the trainee, with a message that says so (the trainee and exam roles' nbgrader config name it).
"""

from __future__ import annotations

import base64
import os
import pwd
import shutil
import stat
from datetime import datetime
from pathlib import Path

from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.utils import get_username
from traitlets import Unicode

from course.exam_record import HUB_HAND_IN
from course.exam_reports import report_hand_in

from .exams import ExamSession, exam_folder, load_sessions, log_event, utc_now
from .state import HubState

NBGRADER_TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's Exchange.timestamp_format default


def late_hand_in(state: HubState, trainee: str, assignment: str, now: datetime | None = None) -> str | None:
    """Why a hand-in of ``assignment`` by ``trainee`` at ``now`` is too late, or None.

    Late: she sat a session of it that has ended for her (her own end passed, or it was closed),
    and no session of it is open for her now. An assignment she never sat is not refused here."""
    moment = now or utc_now()
    sat = [s for s in load_sessions(state) if s.assignment == assignment and trainee in s.ends]
    if not sat or any(s.is_open_for(trainee, moment) for s in sat):
        return None
    last = sat[-1]
    ended = min(filter(None, [last.end_of(trainee), _closed(last)]))
    if ended > moment:
        return None  # scheduled, not yet started
    return (f"the exam {assignment} ended for {trainee} at {ended.isoformat()}: the hub handed in the notebook "
            f"as it was then, and a later hand-in is refused (ask the instructor)")


def _closed(session: ExamSession) -> datetime | None:
    return datetime.fromisoformat(session.closed_at) if session.closed_at else None


def collect_exam(state: HubState, trainee: str, assignment: str, now: datetime | None = None) -> Path | None:
    """Hand in ``trainee``'s exam folder as nbgrader's submit would; the inbox entry, or None when
    there is nothing to hand in (no exam folder in her home)."""
    moment = now or utc_now()
    course = state.settings().course_id
    folder = exam_folder(state, trainee, assignment)
    if not folder.is_dir():
        return None
    timestamp = moment.strftime(NBGRADER_TIMESTAMP)
    random = base64.urlsafe_b64encode(os.urandom(9)).decode("ascii")
    entry = state.exchange / course / "inbound" / f"{trainee}+{assignment}+{timestamp}+{random}"
    shutil.copytree(folder, entry, ignore=_left_out, symlinks=False)
    (entry / "timestamp.txt").write_text(timestamp)
    owner = pwd.getpwnam(trainee)
    for path in [entry, *entry.rglob("*")]:
        os.chown(path, owner.pw_uid, owner.pw_gid)
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    os.chmod(entry, stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)  # as nbgrader's submit: the grader removes it
    log_event(state, "hand-in", trainee=trainee, assignment=assignment, by=HUB_HAND_IN, timestamp=timestamp)
    return entry


def _left_out(folder: str, names: list[str]) -> set[str]:
    """What the hand-in leaves out of the exam's folder: checkpoints, bytecode, and every symbolic
    link (the hub copies as root: a link to another folder would hand that folder in)."""
    return {name for name in names if name in (".ipynb_checkpoints", "__pycache__")
            or os.path.islink(os.path.join(folder, name))}


class ExamSubmit(ExchangeSubmit):
    """nbgrader's submit; the hand-in of an exam that has ended for this trainee is refused, and one
    during her exam is reported to the course service for the exam log (her server cannot write it)."""

    state_folder = Unicode("", config=True, help="the hub folder (see course.hub.state)")

    def init_dest(self) -> None:
        if self.state_folder:
            student = self.coursedir.student_id if self.coursedir.student_id != "*" else get_username()
            late = late_hand_in(HubState.at(self.state_folder), student, self.coursedir.assignment_id)
            if late:
                self.fail(late)
        super().init_dest()

    def copy_files(self) -> None:
        super().copy_files()
        report_hand_in(self.coursedir.assignment_id, self.assignment_filename)  # a no-op outside an exam profile
