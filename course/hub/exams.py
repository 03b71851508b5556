"""Exam sessions on the hub: who sits which exam, from when, until when; and the exam log.

An instructor opens a session for an exam assignment (``exam: true`` in its case data)
and a group of trainees (``mesocourse hub exam open``). Each trainee's end time is fixed
when the session opens (start + minutes + their extra time, an accessibility
accommodation) and written to ``STATE/exams/sessions.json``: a hub that restarts mid-exam
reads the same end times, never recomputes them from "now". The folder ``STATE/exams/`` is the
grader account's, so the course service (the instructor console, run as the grader) opens and
closes sessions as the root-run CLI does (:mod:`course.hub.exam_controls`, one function per action).

Every event of an exam (open, a trainee's start, a refused request, a hand-in, close)
is appended to the exam log, ``COURSE/exam-log.jsonl`` (one JSON object a line, never
rewritten), which stays with the course's other records.

:func:`in_open_exam` is the one question the spawner (and the idle culler: never cull a
trainee in an open exam) asks: is this trainee in an open exam now, and which?
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pwd
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from course.errors import MesocourseError
from course.exam_record import EVENTS, exam_log_file
from course.exam_record import read_exam_log as read_log

from .state import HubState, write_atomically

if TYPE_CHECKING:
    from .hub_api import HubAPI


class ExamSessionError(MesocourseError):
    """An exam session that cannot be opened or closed as asked; the message names the option or entry."""


@dataclass(frozen=True)
class ExamSession:
    """One exam assignment, sat by a group; ``ends`` maps each trainee to their own end (ISO, UTC)."""

    assignment: str
    group: str
    opened_at: str
    start: str
    minutes: int
    ends: dict[str, str] = field(default_factory=dict)
    extra_minutes: dict[str, int] = field(default_factory=dict)
    closed_at: str | None = None

    def end_of(self, trainee: str) -> datetime | None:
        end = self.ends.get(trainee)
        return datetime.fromisoformat(end) if end else None

    def is_open_for(self, trainee: str, now: datetime) -> bool:
        """Whether ``trainee`` sits this exam at ``now``: started, not closed, before their own end."""
        end = self.end_of(trainee)
        return (self.closed_at is None and end is not None
                and datetime.fromisoformat(self.start) <= now < end)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def parse_start(text: str | None, now: datetime) -> datetime:
    """``--start`` as an aware UTC time (a time without zone is UTC); now when not given."""
    if not text:
        return now
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ExamSessionError(f"--start {text!r}: not an ISO date and time (e.g. 2027-01-12T09:00)") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


EXTRA_TIME = re.compile(r"^([^=\s]+)=(\d+)$")


def parse_extra_time(entries: list[str]) -> dict[str, int]:
    """``["ID=MINUTES", ...]`` as ``{id: minutes}``; a malformed entry is refused by name."""
    extra: dict[str, int] = {}
    for entry in entries:
        match = EXTRA_TIME.match(entry)
        if not match:
            raise ExamSessionError(f"--extra-time {entry!r}: expected ID=MINUTES (e.g. t042=30)")
        extra[match.group(1)] = int(match.group(2))
    return extra


def released_exams(state: HubState) -> list[str]:
    """The exam assignments released to trainees (in nbgrader's exchange): those an exam session can open."""
    from course.assignments.catalog import exam_assignments

    outbound = state.exchange / state.settings().course_id / "outbound"
    return [name for name in exam_assignments() if (outbound / name).is_dir()]


def exam_assignment(name: str) -> str:
    """``name`` if it is an exam assignment of the course; otherwise a refusal naming it."""
    from course.assignments.catalog import ASSIGNMENTS, exam_assignments

    if name not in ASSIGNMENTS:
        raise ExamSessionError(f"unknown assignment {name!r} (assignments: {', '.join(ASSIGNMENTS)})")
    if name not in exam_assignments():
        raise ExamSessionError(f"assignment {name!r} is not an exam (its case data has no exam: true)")
    return name


def group_members(state: HubState, group: str, hub: HubAPI | None = None) -> list[str]:
    """The trainees of ``group``: the course's trainee group is every enrolled trainee; another group
    is read from the running hub (through ``hub``, default the CLI's token). An unknown group is refused by name."""
    from .accounts import enrolled

    trainees = sorted(enrolled(state)["trainees"])
    if group == state.settings().trainee_group:
        return trainees
    from .hub_api import HubAPI, HubAPIError

    try:
        answer = (hub or HubAPI.for_state(state)).call("GET", f"/groups/{group}")
    except HubAPIError as error:
        raise ExamSessionError(f"--group {group!r}: no such group on the hub ({error})") from None
    members = sorted(set(answer["users"]) & set(trainees)) if isinstance(answer, dict) else []
    if not members:
        raise ExamSessionError(f"--group {group!r}: no enrolled trainee in it")
    return members


def exam_groups(state: HubState, hub: HubAPI) -> list[str]:
    """The hub groups an exam may be opened for: the course's trainee group (everyone) first, then
    every other group of the hub but the course's staff groups (instructors, assessors, clinic managers)."""
    from .roster import STAFF_ROLES

    settings = state.settings()
    staff = {settings.formgrade_group, *map(settings.staff_group, STAFF_ROLES)}
    answer = hub.call("GET", "/groups")
    names = sorted(group["name"] for group in answer if isinstance(group, dict)) if isinstance(answer, list) else []
    return [settings.trainee_group, *(name for name in names if name not in staff | {settings.trainee_group})]


def exam_folder(state: HubState, trainee: str, assignment: str) -> Path:
    """Where nbgrader's fetch puts an assignment for ``trainee`` (``path_includes_course``): the exam's
    folder, the exam profile's root, which the hub hands in at her end."""
    return state.home(trainee) / state.settings().course_id / assignment


# --- sessions on disk --------------------------------------------------------------------------
def sessions_folder(state: HubState) -> Path:
    """``STATE/exams/``: the grader account's (made by :func:`course.hub.layout.make_exam_folder`), 0755."""
    return state.root / "exams"


def sessions_file(state: HubState) -> Path:
    return sessions_folder(state) / "sessions.json"


def load_sessions(state: HubState) -> list[ExamSession]:
    """Every session opened on this hub, open or closed, oldest first."""
    path = sessions_file(state)
    if not path.is_file():
        return []
    try:
        return [ExamSession(**entry) for entry in json.loads(path.read_text())]
    except (ValueError, TypeError) as error:
        raise ExamSessionError(f"{path}: not a list of exam sessions ({error})") from None


def save_sessions(state: HubState, sessions: list[ExamSession]) -> None:
    sessions_folder(state).mkdir(mode=0o755, exist_ok=True)
    write_atomically(sessions_file(state), json.dumps([asdict(s) for s in sessions], indent=2) + "\n", 0o644)


@contextlib.contextmanager
def one_writer(state: HubState) -> Iterator[None]:
    """Hold the sessions' lock (``exams/.lock``) from reading them to writing them: two instructors
    (the CLI as root, the console as the grader) never open the same exam twice, nor lose a session."""
    folder = sessions_folder(state)
    folder.mkdir(mode=0o755, exist_ok=True)
    descriptor = os.open(folder / ".lock", os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        if os.fstat(descriptor).st_uid == os.geteuid():  # readable by the other writer, whatever the umask
            os.fchmod(descriptor, 0o644)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def current_session(state: HubState, assignment: str) -> ExamSession | None:
    """The session of ``assignment`` not yet closed (at most one), scheduled or running."""
    return next((s for s in load_sessions(state) if s.assignment == assignment and s.closed_at is None), None)


def in_open_exam(state: HubState, trainee: str, now: datetime | None = None) -> ExamSession | None:
    """The exam session ``trainee`` sits at ``now`` (default: now), or None.

    True for a trainee whose session has started, is not closed, and whose own end (with
    extra time) is still ahead: the spawner gives them the exam profile, the idle culler
    leaves their server alone."""
    moment = now or utc_now()
    return next((s for s in load_sessions(state) if s.is_open_for(trainee, moment)), None)


def open_session(state: HubState, assignment: str, minutes: int, group: str | None = None,
                 extra_time: list[str] | None = None, start: str | None = None,
                 now: datetime | None = None, hub: HubAPI | None = None) -> ExamSession:
    """Open (or schedule, with ``start``) an exam session; every trainee's end is fixed now."""
    moment = now or utc_now()
    exam_assignment(assignment)
    if minutes <= 0:
        raise ExamSessionError(f"--minutes {minutes}: an exam lasts at least one minute")
    extra = parse_extra_time(extra_time or [])
    begins = parse_start(start, moment)
    with one_writer(state):
        if current_session(state, assignment):
            raise ExamSessionError(f"an exam session of {assignment!r} is already open: close it first "
                                   f"(mesocourse hub exam close {assignment}, or Close on the console's exam sessions)")
        chosen = group or state.settings().trainee_group
        members = group_members(state, chosen, hub)
        strangers = sorted(set(extra) - set(members))
        if strangers:
            raise ExamSessionError(f"--extra-time: {', '.join(strangers)} is not a trainee of group {chosen!r}")
        ends = {trainee: (begins + timedelta(minutes=minutes + extra.get(trainee, 0))).isoformat()
                for trainee in members}
        session = ExamSession(assignment, chosen, moment.isoformat(), begins.isoformat(), minutes, ends, extra)
        save_sessions(state, [*load_sessions(state), session])
        log_event(state, "open", assignment=assignment, group=chosen, start=session.start, ends=ends, now=moment)
    return session


def close_session(state: HubState, assignment: str, now: datetime | None = None) -> ExamSession:
    """Close the open session of ``assignment``; its trainees return to the normal profile."""
    moment = now or utc_now()
    exam_assignment(assignment)
    with one_writer(state):
        sessions = load_sessions(state)
        index = next((i for i, s in enumerate(sessions) if s.assignment == assignment and s.closed_at is None), None)
        if index is None:
            raise ExamSessionError(f"no open exam session of {assignment!r} (mesocourse hub exam status lists them)")
        sessions[index] = replace(sessions[index], closed_at=moment.isoformat())
        save_sessions(state, sessions)
        log_event(state, "close", assignment=assignment, group=sessions[index].group, now=moment)
    return sessions[index]


def unenforced_here() -> list[str]:
    """What the exam profile cannot enforce on this machine, said when an exam opens."""
    from course.grading.kernel_launcher import landlock_abi

    if landlock_abi() >= 1:
        return []
    return ["warning: this Linux kernel offers no Landlock, so the exam kernel runs without its filesystem "
            "sandbox: code in it can read the course package's knowledge base and engines by their path "
            "(terminals, other kernels, paths outside the exam's folder and uploads are still refused; "
            "docs/instructors.md, Exam mode)"]


# --- the exam log ------------------------------------------------------------------------------
def exam_log(state: HubState) -> Path:
    return exam_log_file(state.course_dir)


def log_event(state: HubState, event: str, *, trainee: str | None = None, now: datetime | None = None,
              **details: object) -> None:
    """Append one event to the exam log (created owned by the grader account, who keeps the course)."""
    if event not in EVENTS:
        raise ValueError(f"unknown exam event {event!r} (events: {', '.join(EVENTS)})")
    record = {"time": (now or utc_now()).isoformat(), "event": event,
              **({"trainee": trainee} if trainee else {}), **details}
    path = exam_log(state)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with path.open("a", encoding="utf-8") as log:
        log.write(json.dumps(record, sort_keys=True) + "\n")
    if new:
        os.chmod(path, 0o640)
        try:
            entry = pwd.getpwnam(state.settings().grader_account)
        except KeyError:
            return
        os.chown(path, entry.pw_uid, entry.pw_gid)


def read_exam_log(state: HubState) -> list[dict]:
    """Every event of the exam log, oldest first (:func:`course.exam_record.read_exam_log`)."""
    return read_log(exam_log(state))


@dataclass(frozen=True)
class TraineeStatus:
    """One trainee of a session not closed: her own end, her extra time, and where she is now."""

    trainee: str
    end: str
    extra_minutes: int
    state: Literal["sitting", "waiting", "ended"]


@dataclass(frozen=True)
class SessionStatus:
    """A session not closed, as ``hub exam status`` and the console show it."""

    session: ExamSession
    scheduled: bool  # its start is still ahead
    trainees: list[TraineeStatus]

    @property
    def heading(self) -> str:
        s = self.session
        return (f"{s.assignment}: {'scheduled' if self.scheduled else 'open'}, group {s.group}, start {s.start}, "
                f"{s.minutes} minutes")


def session_status(state: HubState, now: datetime | None = None) -> list[SessionStatus]:
    """Each session not closed, with every trainee's end, extra time and state (sitting, waiting, ended)."""
    moment = now or utc_now()
    statuses = []
    for session in load_sessions(state):
        if session.closed_at is not None:
            continue
        scheduled = moment < datetime.fromisoformat(session.start)
        trainees = [TraineeStatus(trainee, end, session.extra_minutes.get(trainee, 0),
                                  "sitting" if session.is_open_for(trainee, moment)
                                  else "waiting" if scheduled else "ended")
                    for trainee, end in sorted(session.ends.items())]
        statuses.append(SessionStatus(session, scheduled, trainees))
    return statuses


def trainee_line(trainee: TraineeStatus) -> str:
    extra = f" (+{trainee.extra_minutes} min)" if trainee.extra_minutes else ""
    return f"  {trainee.trainee}: ends {trainee.end}{extra}, {trainee.state}"


def status_lines(state: HubState, now: datetime | None = None) -> list[str]:
    """``mesocourse hub exam status``: each session not closed, with every trainee's end and state."""
    lines = []
    for status in session_status(state, now):
        lines += [status.heading, *map(trainee_line, status.trainees)]
    return lines or ["no exam session open"]
