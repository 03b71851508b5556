"""Faults during an exam on a real hub: the hub killed (SIGKILL) and restarted mid-exam keeps every end.

A real JupyterHub (``mesocourse hub``) with two trainees: A sits the certification exam with the
session's minutes, B with 30 minutes of extra time (``--extra-time``, an accessibility accommodation).
Both servers run in the exam profile when the hub process is killed without warning and started again
with ``mesocourse hub``, as an administrator would after a crash. After the restart B's end is the
one fixed at open (``mesocourse hub exam status`` and ``exams/sessions.json``), her server is in the exam
profile, and A's exam ends on time while B still sits, whether A's end comes after the restart or
passes while the hub is down: A's notebook is handed in by the hub and her later hand-in refused.
Every account and process is removed at the end (checked by the fixture).
"""

from __future__ import annotations

import signal
import time
from datetime import timedelta

import pytest
from hub_support import TraineeServer, exam_hub, hub_command, trainee_submits, wait_until

from course.exam_record import SESSIONS_SETTING, exam_sessions_required
from course.hub.exams import load_sessions, read_exam_log, sessions_file, utc_now
from course.hub.passwords import forget_one_time

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.long]
PEOPLE = {"i": "Ines Tructor", "a": "Ann Onschedule", "b": "Bea Extratime"}
MINUTES = 3  # A's exam: short, so that her end passes while B (30 minutes more) still sits
BEGAN_S = 90  # the session began this long before it is opened (--start): A's end comes 90 s after the open


@pytest.fixture(scope="module")
def hub():
    with exam_hub(PEOPLE) as running:
        yield running


def exam_status(hub) -> dict[str, str]:
    """``mesocourse hub exam status``: each trainee's line (her end, extra time and state), by trainee."""
    lines = hub_command("exam", "status", "--state", str(hub.state.root)).stdout.splitlines()
    return dict(line.strip().split(": ", 1) for line in lines if line.startswith("  "))


def test_the_course_the_hub_serves_requires_exam_sessions(hub):
    """Certification refuses there an exam handed in outside a session (tests/test_certification_exam_sessions.py)."""
    setting = hub.state.course_dir / SESSIONS_SETTING
    assert exam_sessions_required(hub.state.course_dir)
    assert setting.owner() == hub.state.settings().grader_account  # the grader keeps the course


def running(server: TraineeServer) -> TraineeServer:
    """Her server, started through the hub unless it runs or is starting, and ready."""
    user = server.api.call("GET", f"/users/{server.trainee}")
    if not user.get("server") and not user.get("pending"):
        server.api.call("POST", f"/users/{server.trainee}/server")
    server.wait_ready()
    return server


@pytest.mark.parametrize("a_ends", ["after the restart", "while the hub is down"])
def test_a_hub_killed_mid_exam_keeps_every_end_and_the_profile(hub, a_ends: str):
    a, b = hub.account("a"), hub.account("b")
    for trainee in (a, b):
        forget_one_time(hub.state, trainee)
    servers = {trainee: running(TraineeServer(hub, trainee)) for trainee in (a, b)}
    logged = len(read_exam_log(hub.state))
    inbox = hub.state.exchange / hub.state.settings().course_id / "inbound"
    handed_by_b = {entry.name for entry in inbox.iterdir() if entry.name.startswith(f"{b}+")}
    began = (utc_now() - timedelta(seconds=BEGAN_S)).isoformat(timespec="seconds")
    opened = hub_command("exam", "open", "certification", "--minutes", str(MINUTES), "--extra-time", f"{b}=30",
                         "--start", began, "--state", str(hub.state.root))
    for server in servers.values():
        server.wait_ready()
        assert server.in_exam_profile(), f"{server.trainee}: not in the exam profile after open ({opened.stdout})"
    status, sessions = exam_status(hub), sessions_file(hub.state).read_text()
    assert "(+30 min), sitting" in status[b] and status[a].endswith(", sitting"), status

    def handed_in_by_hub(trainee: str) -> bool:
        return any(e["event"] == "hand-in" and e.get("trainee") == trainee for e in read_exam_log(hub.state)[logged:])

    assert hub.stop(signal.SIGKILL) == -signal.SIGKILL  # the hub process dies without cleaning up
    if a_ends == "while the hub is down":
        (session,) = [s for s in load_sessions(hub.state) if s.closed_at is None]
        time.sleep(max(0.0, (session.end_of(a) - utc_now()).total_seconds()) + 5)
    hub.start()  # `mesocourse hub` again, on the same folder

    assert sessions_file(hub.state).read_text() == sessions, "the sessions file changed across the restart"
    after = exam_status(hub)
    assert after[b] == status[b], (status, after)
    servers[b].wait_ready()
    assert servers[b].in_exam_profile(), "B's server left the exam profile across the restart"

    wait_until(lambda: handed_in_by_hub(a), MINUTES * 60 + 180, f"the hub handing in {a}'s notebook at her end")
    late = trainee_submits(hub, a, servers[a].token)
    assert late.returncode != 0 and "a later hand-in is refused" in late.stdout + late.stderr
    assert exam_status(hub)[b] == status[b], "B's exam did not go on after A's end"
    assert servers[b].in_exam_profile(), "B's server left the exam profile at A's end"
    assert {entry.name for entry in inbox.iterdir() if entry.name.startswith(f"{b}+")} == handed_by_b

    hub_command("exam", "close", "certification", "--state", str(hub.state.root))
    wait_until(lambda: handed_in_by_hub(b), 240, f"the hub handing in {b}'s notebook at close")
