"""The exam record a course keeps, read back: its exam log, each trainee's sessions, and whether
the course requires exam sessions at all.

The hub appends every event of an exam session (open, a trainee's start, a refused request,
a hand-in, close) to ``COURSE/exam-log.jsonl`` (:mod:`course.hub.exams`), and, when it prepares
the course it serves, writes ``COURSE/.mesocourse/exam-sessions.json``: a course served by the
hub requires its exams to be sat in exam sessions. A course run only from the command line
(``make demo``) has no such file and requires none.

The cohort report shows the log per trainee; certification refuses an exam result handed in
outside the trainee's sessions. Both read the course folder only, through this module: standard
library only, nothing of the hub's runtime.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import CourseError

EXAM_LOG = "exam-log.jsonl"
SESSIONS_SETTING = Path(".mesocourse") / "exam-sessions.json"
EVENTS = ("open", "start", "refused", "hand-in", "close")
HUB_HAND_IN = "hub at end"  # the ``by`` of the hand-in the hub makes when her exam ends


def exam_log_file(course_root: Path) -> Path:
    return course_root / EXAM_LOG


def read_exam_log(path: Path) -> list[dict[str, Any]]:
    """Every event of the exam log at ``path``, as written (oldest first); [] when there is none.

    A line that is not a JSON object with a ``time`` and a known ``event`` is refused by file and line."""
    if not path.is_file():
        return []
    events = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
            parse_time(event["time"])
            known = event["event"] in EVENTS
        except (ValueError, KeyError, TypeError):
            known = False
        if not known:
            raise CourseError(f"{path}, line {number}: not an exam event (a JSON object with a time and one of "
                              f"the events {', '.join(EVENTS)})")
        events.append(event)
    return events


def parse_time(text: str) -> datetime:
    """An ISO time of the log, or nbgrader's timestamp (``2027-01-12 09:00:00.000000 UTC``), as aware UTC;
    a time without zone is UTC, as nbgrader's gradebook keeps them."""
    moment = datetime.fromisoformat(text.removesuffix(" UTC").strip())
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- sessions --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExamWindow:
    """When one trainee sat one session of an exam: from the session's start to her own end
    (extra time included), or to the close when the session was closed before it."""

    assignment: str
    start: datetime
    end: datetime

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment <= self.end

    def text(self) -> str:
        return f"{readable(self.start)} to {readable(self.end)}"


def exam_windows(events: Iterable[Mapping[str, Any]], trainee: str, assignment: str) -> list[ExamWindow]:
    """Every session of ``assignment`` that ``trainee`` was given, from the log's open and close events."""
    windows: list[ExamWindow] = []
    opened: ExamWindow | None = None
    for event in events:
        if event.get("assignment") != assignment:
            continue
        if event["event"] == "open" and trainee in (event.get("ends") or {}):
            opened = ExamWindow(assignment, parse_time(event["start"]), parse_time(event["ends"][trainee]))
            windows.append(opened)
        elif event["event"] == "close" and opened is not None:
            windows[-1] = ExamWindow(assignment, opened.start, min(opened.end, parse_time(event["time"])))
            opened = None
    return windows


def session_of(events: list[dict[str, Any]], trainee: str, assignment: str,
               handed_in: datetime) -> ExamWindow | None:
    """The session of ``assignment`` within which ``trainee``'s hand-in at ``handed_in`` was made, or None.

    A hand-in the hub made at the end of her session (logged with nbgrader's timestamp, moments after
    her end, when the hub noticed it) belongs to that session."""
    windows = exam_windows(events, trainee, assignment)
    inside = next((w for w in windows if w.holds(handed_in)), None)
    if inside is not None:
        return inside
    by_hub = any(e["event"] == "hand-in" and e.get("trainee") == trainee and e.get("assignment") == assignment
                 and e.get("by") == HUB_HAND_IN and e.get("timestamp") and parse_time(e["timestamp"]) == handed_in
                 for e in events)
    before = [w for w in windows if w.start <= handed_in]
    return before[-1] if by_hub and before else None


# --- whether the course requires sessions -----------------------------------------------------------
def require_exam_sessions(course_root: Path, hub_folder: Path) -> Path:
    """Write that the course's exams are sat in exam sessions (the hub serving it, from ``hub_folder``)."""
    path = course_root / SESSIONS_SETTING
    path.parent.mkdir(exist_ok=True)
    text = json.dumps({"required": True, "served_by": "mesocourse hub", "hub_folder": str(hub_folder)}, indent=1)
    if not path.is_file() or path.read_text(encoding="utf-8") != text + "\n":
        temporary = path.with_name(path.name + ".new")
        temporary.write_text(text + "\n", encoding="utf-8")
        os.replace(temporary, path)
    return path


def exam_sessions_required(course_root: Path) -> bool:
    """Whether the course requires exam sessions: a course the hub serves does (see :func:`require_exam_sessions`)."""
    path = course_root / SESSIONS_SETTING
    if not path.is_file():
        return False
    try:
        setting = json.loads(path.read_text(encoding="utf-8"))
        return bool(setting["required"])
    except (ValueError, KeyError, TypeError):
        raise CourseError(f"{path}: not an exam-sessions setting (a JSON object with \"required\")") from None


# --- the log per trainee -------------------------------------------------------------------------------
def readable(moment: datetime) -> str:
    """A time as people read it in a report: ``2027-01-12 09:00:05 UTC``."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def _detail(event: Mapping[str, Any], trainee: str) -> str:
    kind = event["event"]
    if kind == "open":
        end = event.get("ends", {}).get(trainee)
        return f"session opened for group {event.get('group', '?')}: starts {readable(parse_time(event['start']))}" + (
            f", her end {readable(parse_time(end))}" if end else "")
    if kind == "start":
        return "her server started in the exam profile" + (
            f" (her end {readable(parse_time(event['end']))})" if event.get("end") else "")
    if kind == "hand-in":
        return f"handed in ({event['by']})" if event.get("by") else "handed in"
    if kind == "close":
        return "session closed"
    return str(event.get("detail", ""))


def trainee_timelines(events: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """Each trainee's exam events in time order, readable: her own events, and the open and close of
    every session she was given. Rows: time, event, exam, what (a refused request's kind), detail."""
    timelines: dict[str, list[tuple[datetime, dict[str, str]]]] = {}
    given: dict[str, list[str]] = {}  # assignment -> trainees of its latest open session
    sitting: dict[str, str] = {}  # trainee -> the exam of her latest session (a refused request names none)

    def add(trainee: str, event: Mapping[str, Any]) -> None:
        moment = parse_time(event["time"])
        timelines.setdefault(trainee, []).append((moment, {
            "time": readable(moment), "event": event["event"],
            "exam": str(event.get("assignment") or sitting.get(trainee, "")),
            "what": str(event.get("what", "")), "detail": _detail(event, trainee)}))

    for event in events:
        if event["event"] == "open":
            given[event.get("assignment", "")] = sorted(event.get("ends") or {})
            sitting.update(dict.fromkeys(event.get("ends") or {}, event.get("assignment", "")))
        trainees = ([event["trainee"]] if event.get("trainee")
                    else given.get(event.get("assignment", ""), []) if event["event"] in ("open", "close") else [])
        for trainee in trainees:
            add(trainee, event)
    return {trainee: [row for _, row in sorted(rows, key=lambda pair: pair[0])]
            for trainee, rows in sorted(timelines.items())}
