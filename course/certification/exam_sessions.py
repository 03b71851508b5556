"""Exam results and exam sessions: an exam result handed in outside the trainee's exam sessions is refused.

An exam assignment (``exam: true`` in its case data) is sat, on the course server, in an exam
session (``mesocourse hub exam open``); a course the server serves requires it, and says so
(:func:`course.exam_record.exam_sessions_required`). There, a trainee's exam result counts for
certification only when it was handed in (nbgrader's timestamp, in the gradebook) within one of
that trainee's sessions, from its start to the trainee's own end (extra time included), as the
course's exam log records them; the hub's own hand-in at the end of the session belongs to it.
Otherwise the result is refused, blocking certification with a reason naming the trainee and the
hand-in time, unless an instructor accepted it with a recorded reason
(``mesocourse certify --accept-outside-session TRAINEE --reason "..."``): an
:data:`~.registry.EXAM_ACCEPTANCE` record in the registry, who, when and why, shown in every later
decision and in the HR export. A course run only from the command line (``make demo``) requires no
session, and its decisions say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from course.coursedir import Course
from course.exam_record import (
    ExamWindow,
    exam_log_file,
    exam_sessions_required,
    exam_windows,
    read_exam_log,
    readable,
    session_of,
)

from .chain import Record
from .errors import CertificationError
from .gradebook import Cohort
from .registry import EXAM_ACCEPTANCE


@dataclass(frozen=True)
class ExamResult:
    """One exam a trainee handed in: when (nbgrader's timestamp), and within which of their sessions."""

    trainee: str
    assignment: str
    handed_in: datetime | None  # None: the gradebook has no time for it
    session: ExamWindow | None  # None: outside every session of the trainee
    sessions: tuple[ExamWindow, ...] = ()  # every session of the assignment the trainee was given

    def when(self) -> str:
        return readable(self.handed_in) if self.handed_in else "an unknown time (no timestamp in the gradebook)"

    def accepted_by(self, history: Sequence[Record]) -> Record | None:
        """The registry record accepting this very hand-in outside a session, if an instructor recorded one."""
        stamp = self.handed_in.isoformat() if self.handed_in else None
        return next((r for r in reversed(history) if r.kind == EXAM_ACCEPTANCE
                     and r.data["assignment"] == self.assignment and r.data["handed_in"] == stamp), None)


@dataclass(frozen=True)
class ExamJudgement:
    """What the exam sessions mean for one trainee's decision."""

    reasons: tuple[str, ...]  # refused results: each blocks certification
    notes: tuple[str, ...]  # every other result, explained
    payload: dict[str, Any]  # kept in the decision record (and read by the HR export)


@dataclass(frozen=True)
class ExamSessionCheck:
    """Every trainee's exam results against their exam sessions, read once before anything is recorded."""

    required: bool
    results: Mapping[str, tuple[ExamResult, ...]]  # by trainee

    @classmethod
    def read(cls, course: Course, cohort: Cohort, db: str | None = None) -> ExamSessionCheck:
        """The course's requirement, its exam log and the gradebook's hand-in times of exam assignments."""
        required = exam_sessions_required(course.root)
        submitted = {t.id: cohort.scores[t.id].submitted for t in cohort.trainees}
        from course.assignments.catalog import exam_assignments

        exams = exam_assignments(sorted(set().union(*submitted.values()))) if submitted else []
        if not exams:
            return cls(required, {})
        from course.gradebook_tables import submission_times

        times = submission_times(course.gradebook(db))
        events = read_exam_log(exam_log_file(course.root)) if required else []
        results = {}
        for trainee, handed in submitted.items():
            results[trainee] = tuple(
                ExamResult(trainee, name, times.get((trainee, name)), session_of(
                    events, trainee, name, times[(trainee, name)]) if (trainee, name) in times else None,
                    tuple(exam_windows(events, trainee, name)))
                for name in exams if name in handed)
        return cls(required, results)

    def outside(self, trainee: str) -> list[ExamResult]:
        """The trainee's exam results handed in outside every session (none when sessions are not required)."""
        return [r for r in self.results.get(trainee, ()) if self.required and r.session is None]

    def line(self) -> str:
        """What ``mesocourse certify`` says of exam sessions before the decisions."""
        if not self.required:
            return ("exam sessions: not required (this course is not served by the course server): exam results "
                    "count whenever they were handed in")
        every = [r for results in self.results.values() for r in results]
        outside = [r for r in every if r.session is None]
        return (f"exam sessions: required (the course server serves this course): {len(every) - len(outside)} exam "
                f"result(s) handed in within a session, {len(outside)} outside one (refused unless accepted "
                "with --accept-outside-session TRAINEE --reason ...)")

    def require_acceptable(self, accept: Mapping[str, str], trainees: Sequence[str]) -> None:
        """Refuse, before anything is recorded, an acceptance without a reason or with nothing to accept."""
        for trainee, reason in accept.items():
            if not reason.strip():
                raise CertificationError(f"--accept-outside-session {trainee}: give --reason, why the exam handed "
                                         "in outside a session is accepted (it is recorded)")
            if trainee not in trainees:
                raise CertificationError(f"--accept-outside-session {trainee}: no such trainee in the gradebook")
            if not self.outside(trainee):
                what = ("exam sessions are not required for this course" if not self.required
                        else f"{trainee} handed in no exam outside an exam session")
                raise CertificationError(f"--accept-outside-session {trainee}: nothing to accept ({what})")

    def acceptance_payloads(self, trainee: str, reason: str) -> list[dict[str, Any]]:
        """The registry records accepting ``trainee``'s exam results handed in outside a session."""
        return [{"trainee": trainee, "assignment": r.assignment,
                 "handed_in": r.handed_in.isoformat() if r.handed_in else None, "reason": reason.strip()}
                for r in self.outside(trainee)]

    def judge(self, trainee: str, history: Sequence[Record]) -> ExamJudgement:
        """The trainee's exam results for a decision: refused, accepted (by a record in ``history``) or counted."""
        reasons, notes, entries = [], [], []
        for result in self.results.get(trainee, ()):
            entry: dict[str, Any] = {"assignment": result.assignment,
                                     "handed_in": result.handed_in.isoformat() if result.handed_in else None,
                                     "session": [result.session.start.isoformat(), result.session.end.isoformat()]
                                     if result.session else None}
            exam = f"Exam '{result.assignment}' handed in at {result.when()}"
            if not self.required:
                notes.append(f"{exam}: exam sessions were not required (this course is not served by the course "
                             "server), so it counts whenever it was handed in.")
            elif result.session is not None:
                notes.append(f"{exam}, within the trainee's exam session ({result.session.text()}).")
            elif (accepted := result.accepted_by(history)) is not None:
                entry["accepted"] = {"record": accepted.seq, "by": accepted.recorded_by,
                                     "at": accepted.recorded_at, "reason": accepted.data["reason"]}
                notes.append(f"{exam}, outside every exam session of {trainee}; accepted by {accepted.recorded_by} "
                             f"at {accepted.recorded_at} (registry record {accepted.seq}): {accepted.data['reason']}")
            else:
                entry["refused"] = True
                sessions = "; ".join(w.text() for w in result.sessions) or "none was opened for them"
                reasons.append(f"{exam}, outside every exam session of {trainee} (their sessions: {sessions}): "
                               "this course requires exam "
                               "sessions, so the result is refused. If it is legitimate, record why: mesocourse "
                               f"certify --accept-outside-session {trainee} --reason \"...\".")
            entries.append(entry)
        payload = {"required": self.required, "results": entries} if entries or self.required else {}
        return ExamJudgement(tuple(reasons), tuple(notes), payload)
