"""The instructor's exam controls, one function per action, for ``mesocourse hub exam`` and the console.

Opening (or scheduling) and closing an exam session write the session and the exam log
(:mod:`.exams`), then restart, through the hub, the running servers of the trainees
concerned, so each changes profile at once; opening also says what the exam profile cannot
enforce on this machine (no Landlock). Each action returns what it did, in plain lines, which
the CLI prints and the instructor console shows. ``hub`` is how the caller reaches the hub:
the CLI with its own token (root), the course service with the token the hub gave it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .exams import ExamSession, close_session, open_session, session_status, trainee_line, unenforced_here
from .hub_api import HubAPI
from .state import HubState


@dataclass(frozen=True)
class ExamAction:
    """What an action did: the session it opened or closed, and what to tell the instructor."""

    session: ExamSession
    said: list[str]


def open_exam(state: HubState, hub: HubAPI, assignment: str, minutes: int, group: str | None = None,
              extra_time: list[str] | None = None, start: str | None = None) -> ExamAction:
    """Open (or schedule) an exam session for a group (:func:`.exams.open_session`; a refusal raises
    ExamSessionError and writes nothing), then restart the group's running servers."""
    session = open_session(state, assignment, minutes, group, extra_time, start, hub=hub)
    (status,) = [s for s in session_status(state) if s.session.assignment == assignment]
    said = [f"opened an exam session of {session.assignment} for group {session.group}, start {session.start}",
            *map(trainee_line, status.trainees), *unenforced_here()]
    return ExamAction(session, [*said, *restart_running_servers(hub, sorted(session.ends))])


def close_exam(state: HubState, hub: HubAPI, assignment: str) -> ExamAction:
    """Close the open session of ``assignment`` (everyone's exam ends; the hub hands their notebooks in),
    then restart its trainees' running servers in the normal profile."""
    session = close_session(state, assignment)
    said = [f"closed the exam session of {session.assignment} ({len(session.ends)} trainee(s))"]
    return ExamAction(session, [*said, *restart_running_servers(hub, sorted(session.ends))])


def restart_running_servers(hub: HubAPI, trainees: list[str]) -> list[str]:
    """Restart the running servers of ``trainees`` through the hub (if it runs), in their profile now."""
    if not hub.running():
        return []
    restarted = [trainee for trainee in trainees if hub.restart_server(trainee)]
    return [f"restarted the running servers of {', '.join(restarted)}"] if restarted else []
