"""Exam sessions as data: opened, fixed end times per trainee, closed, logged; bad input refused by name.

A hub folder made as ``mesocourse hub`` makes it (``hub.json``, ``accounts.json``), without a running
hub: sessions are data in that folder, and the CLI is the real ``mesocourse hub exam`` command.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from browser_support import free_port

from course.hub.exams import ExamSessionError, close_session, in_open_exam, load_sessions, open_session, read_exam_log
from course.hub.state import HubSettings, HubState

MESOCOURSE = str(Path(sys.executable).parent / "mesocourse")
NINE = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)


@pytest.fixture
def state(tmp_path: Path) -> HubState:
    """A hub folder with three enrolled trainees (ann, bob, cy) and one instructor."""
    hub = HubState.at(tmp_path / "hub")
    hub.root.mkdir()
    hub.save_settings(HubSettings(grader_account="nobody-grader-exams", port=free_port()))  # no hub answers
    people = {"instructors": {"ines": {"name": "Ines", "email": ""}},
              "trainees": {who: {"name": who.title(), "email": ""} for who in ("ann", "bob", "cy")}}
    hub.accounts_file.write_text(json.dumps(people))
    return hub


def test_each_trainee_end_is_fixed_at_open_with_their_extra_time(state: HubState):
    session = open_session(state, "certification", 90, extra_time=["bob=30"], start="2027-01-12T09:00", now=NINE)
    assert session.group == state.settings().trainee_group
    assert session.end_of("ann") == NINE + timedelta(minutes=90)
    assert session.end_of("bob") == NINE + timedelta(minutes=120)
    # read back from disk (a restarted hub) the ends are the same, whatever "now" is
    assert load_sessions(state) == [session]
    later = NINE + timedelta(minutes=100)
    assert in_open_exam(state, "ann", later) is None
    assert in_open_exam(state, "bob", later) == session
    assert in_open_exam(state, "ines", later) is None  # not a trainee of the group


def test_a_scheduled_session_is_not_open_before_its_start(state: HubState):
    open_session(state, "certification", 60, start="2027-01-12T09:00", now=NINE - timedelta(hours=2))
    assert in_open_exam(state, "ann", NINE - timedelta(minutes=1)) is None
    assert in_open_exam(state, "ann", NINE) is not None


def test_close_ends_the_session_for_everyone_and_both_are_logged(state: HubState):
    open_session(state, "certification", 90, extra_time=["cy=15"], now=NINE)
    closed = close_session(state, "certification", now=NINE + timedelta(minutes=10))
    assert closed.closed_at == (NINE + timedelta(minutes=10)).isoformat()
    assert [in_open_exam(state, who, NINE + timedelta(minutes=11)) for who in ("ann", "cy")] == [None, None]
    log = read_exam_log(state)
    assert [entry["event"] for entry in log] == ["open", "close"]
    assert log[0]["ends"]["cy"] == (NINE + timedelta(minutes=105)).isoformat()
    # a closed session may be opened again (a resit); the first stays in the record
    open_session(state, "certification", 30, now=NINE + timedelta(hours=1))
    assert len(load_sessions(state)) == 2
    assert [entry["event"] for entry in read_exam_log(state)] == ["open", "close", "open"]


@pytest.mark.parametrize(("kwargs", "named"), [
    ({"assignment": "nosuch"}, "unknown assignment 'nosuch'"),
    ({"assignment": "screening"}, "'screening' is not an exam"),
    ({"extra_time": ["bob:30"]}, "--extra-time 'bob:30'"),
    ({"extra_time": ["zed=30"]}, "zed is not a trainee"),
    ({"minutes": 0}, "--minutes 0"),
    ({"start": "tomorrow"}, "--start 'tomorrow'"),
])
def test_bad_input_is_refused_by_name_and_nothing_is_written(state: HubState, kwargs: dict, named: str):
    asked = {"assignment": "certification", "minutes": 90, **kwargs}
    with pytest.raises(ExamSessionError, match=named.replace("(", r"\(")):
        open_session(state, **asked)
    assert load_sessions(state) == [] and read_exam_log(state) == []


def test_one_open_session_per_assignment_and_close_needs_one(state: HubState):
    with pytest.raises(ExamSessionError, match="no open exam session of 'certification'"):
        close_session(state, "certification")
    open_session(state, "certification", 90)
    with pytest.raises(ExamSessionError, match="already open"):
        open_session(state, "certification", 30)


def exam_command(state: HubState, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([MESOCOURSE, "hub", "exam", *args, "--state", str(state.root)],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(sys.platform != "linux", reason="the course server runs on Linux")
def test_the_cli_opens_shows_and_closes_a_session(state: HubState):
    from prerequisites import course_server_missing, require, root_missing

    require(root_missing() or course_server_missing(need_proxy=False))  # `hub exam` runs the hub's preflight
    opened = exam_command(state, "open", "certification", "--minutes", "90", "--extra-time", "bob=30")
    assert opened.returncode == 0, opened.stderr
    assert "bob: ends" in opened.stdout and "(+30 min)" in opened.stdout
    status = exam_command(state, "status")
    assert status.returncode == 0 and "certification: open" in status.stdout and "ann: ends" in status.stdout
    refused = exam_command(state, "open", "screening", "--minutes", "10")
    assert refused.returncode == 2 and "'screening' is not an exam" in refused.stderr
    refused = exam_command(state, "open", "certification", "--minutes", "10", "--extra-time", "ann")
    assert refused.returncode == 2 and "--extra-time 'ann'" in refused.stderr
    closed = exam_command(state, "close", "certification")
    assert closed.returncode == 0 and "closed the exam session of certification" in closed.stdout
    assert exam_command(state, "status").stdout.strip() == "no exam session open"
    assert [entry["event"] for entry in read_exam_log(state)] == ["open", "close"]


def test_a_hand_in_after_her_own_end_or_the_close_is_late(state: HubState):
    from course.hub.exam_end import late_hand_in

    open_session(state, "certification", 60, extra_time=["bob=30"], now=NINE)
    after_ann = NINE + timedelta(minutes=61)
    assert "ended for ann" in (late_hand_in(state, "ann", "certification", after_ann) or "")
    assert late_hand_in(state, "bob", "certification", after_ann) is None  # her extra time runs
    assert late_hand_in(state, "ann", "certification", NINE + timedelta(minutes=30)) is None
    assert late_hand_in(state, "ann", "screening", after_ann) is None  # never sat as an exam session
    close_session(state, "certification", now=NINE + timedelta(minutes=70))
    assert "a later hand-in is refused" in (late_hand_in(state, "bob", "certification", NINE + timedelta(minutes=71))
                                            or "")


def test_status_is_data_the_cli_and_the_console_both_show(state: HubState):
    """``session_status``: scheduled, then each trainee sitting until her own end (extra time included)."""
    from course.hub.exams import session_status, status_lines

    open_session(state, "certification", 60, extra_time=["bob=30"], start="2027-01-12T09:00",
                 now=NINE - timedelta(hours=1))
    (before,) = session_status(state, NINE - timedelta(minutes=1))
    assert before.scheduled and {t.state for t in before.trainees} == {"waiting"}
    (during,) = session_status(state, NINE + timedelta(minutes=70))
    assert not during.scheduled
    assert {t.trainee: (t.state, t.extra_minutes) for t in during.trainees} == {
        "ann": ("ended", 0), "bob": ("sitting", 30), "cy": ("ended", 0)}
    lines = status_lines(state, NINE + timedelta(minutes=70))
    assert lines[0] == during.heading == ("certification: open, group nbgrader-mesocourse, "
                                          "start 2027-01-12T09:00:00+00:00, 60 minutes")
    assert lines[2] == "  bob: ends 2027-01-12T10:30:00+00:00 (+30 min), sitting"


def test_saving_sessions_never_writes_through_a_link_planted_in_the_folder(state: HubState, tmp_path: Path):
    """``STATE/exams/`` is the grader's; root saving there writes only its own new file, never a planted
    temp file's target (a link to /etc/passwd would otherwise be overwritten by root)."""
    from course.hub.exams import sessions_file

    target = tmp_path / "not-yours.txt"
    target.write_text("kept\n")
    folder = sessions_file(state).parent
    folder.mkdir()
    (folder / f".{sessions_file(state).name}.tmp").symlink_to(target)
    open_session(state, "certification", 90, now=NINE)
    assert target.read_text() == "kept\n"
    assert [s.assignment for s in load_sessions(state)] == ["certification"]
    assert not sessions_file(state).is_symlink() and oct(sessions_file(state).stat().st_mode & 0o777) == "0o644"


def test_opening_waits_for_another_writer_of_the_sessions(state: HubState):
    """The CLI (root) and the console (the grader) may act at once: open reads and writes the sessions
    under their lock, so it waits while another writer holds it, then sees what that one wrote."""
    import threading

    from course.hub.exams import ExamSession, one_writer, save_sessions

    outcome: list[object] = []

    def open_now() -> None:
        try:
            outcome.append(open_session(state, "certification", 30))
        except ExamSessionError as error:
            outcome.append(error)

    opener = threading.Thread(target=open_now)
    with one_writer(state):  # another instructor's open, between its read and its write
        opener.start()
        opener.join(timeout=1.0)
        assert opener.is_alive() and outcome == [], "open went ahead while another writer held the sessions"
        save_sessions(state, [ExamSession("certification", "nbgrader-mesocourse", NINE.isoformat(), NINE.isoformat(),
                                          90, {"ann": (NINE + timedelta(minutes=90)).isoformat()})])
    opener.join(timeout=30)
    assert len(outcome) == 1 and "already open" in str(outcome[0]), outcome
    assert len(load_sessions(state)) == 1
