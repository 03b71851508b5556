"""Giving memory back: JupyterHub's idle culler stops the servers nobody uses.

The hub runs the real ``jupyterhub-idle-culler`` as a service (``jupyterhub_config.py``):
it stops a server idle for longer than ``hub.json``'s ``cull_idle_minutes`` (default 60;
``mesocourse hub --cull-idle MINUTES``, 0 turns culling off). The person's files stay;
the next login starts the server again.

What counts as activity is what the server reports to the hub: browser and API
requests, kernel messages, terminals, and (:mod:`course.hub.kernel_activity`) any kernel
still running a cell. Servers report it every :func:`activity_interval` seconds, so a
short timeout is not undone by a report that comes too late.

Exam sessions: a trainee's server is never stopped while an exam session is open for them
(``mesocourse hub exam open``): :func:`in_open_exam_session` names those trainees (from
:mod:`course.hub.exams`), and :func:`spare_exam_sessions`, the culler's
``cull_arbiter_hook``, spares whoever it names.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

from .state import HubSettings, HubState

SERVICE = "idle-culler"


def timeout_seconds(settings: HubSettings) -> int:
    return round(settings.cull_idle_minutes * 60)


def activity_interval(settings: HubSettings) -> int:
    """How often servers report activity and the hub reads the proxy's (JupyterHub's default 300 s),
    shortened to a quarter of the timeout so the culler never judges on a stale report."""
    seconds = timeout_seconds(settings)
    return 300 if seconds <= 0 else max(5, min(300, seconds // 4))


def culler_service(state: HubState) -> dict:
    """The hub service running ``jupyterhub-idle-culler`` as the grader account (no root needed),
    with :file:`idle_culler_config.py` (the exam-session hook) and a check every interval."""
    settings = state.settings()
    return {
        "name": SERVICE, "user": settings.grader_account, "cwd": str(state.share),
        "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                    f"--timeout={timeout_seconds(settings)}", f"--cull-every={activity_interval(settings)}",
                    f"--config={Path(__file__).with_name('idle_culler_config.py')}"],
        "environment": {"MESOCOURSE_HUB_STATE": str(state.root)},
    }


CULLER_ROLE = {"name": SERVICE, "description": "jupyterhub-idle-culler: stop servers idle for too long",
               "services": [SERVICE],
               "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}


def in_open_exam_session(state: HubState) -> frozenset[str]:
    """The trainees sitting an exam now (``mesocourse hub exam open``), whose servers must not be
    stopped: those for whom :func:`course.hub.exams.in_open_exam` finds a session (the sessions read once)."""
    from .exams import load_sessions, utc_now

    now = utc_now()
    return frozenset(trainee for session in load_sessions(state) for trainee in session.ends
                     if session.is_open_for(trainee, now))


def account_of(server: dict) -> str:
    """The account of a server in the hub's API model (its URL is ``.../user/NAME/[SERVER]``)."""
    parts = server.get("url", "").strip("/").split("/")
    return unquote(parts[parts.index("user") + 1]) if "user" in parts[:-1] else ""


def spare_exam_sessions(*, inactive: timedelta, inactive_limit: int, server: dict, **_: object) -> bool:
    """The culler's decision for one server: idle too long, and not in an open exam session."""
    if account_of(server) in in_open_exam_session(HubState.at(os.environ["MESOCOURSE_HUB_STATE"])):
        return False
    return inactive.total_seconds() >= inactive_limit
