"""The cohort report's exam sessions: the course's exam log, per trainee, in time order.

The log is written by the hub's own code (:mod:`course.hub.exams`: open with extra time, each
trainee's start, refused requests shaped as the exam profile logs them, the hub's hand-in at the
end, close) into the course folder of a hub folder; the course is a real nbgrader gradebook; the
report is the real ``mesocourse report`` command.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from browser_support import free_port
from nbgrader.api import Gradebook

from course.exam_record import HUB_HAND_IN
from course.hub.exams import close_session, log_event, open_session
from course.hub.state import HubSettings, HubState

NINE = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)


def report(course: Path) -> tuple[subprocess.CompletedProcess, Path]:
    out = course / "reports" / "cohort.html"
    done = subprocess.run([sys.executable, "-m", "course", "report", "--course", str(course), "--out", str(out)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done, out


@pytest.fixture
def hub_course(tmp_path: Path) -> HubState:
    """A hub folder (three enrolled trainees) whose course has a gradebook with them and one assignment."""
    hub = HubState.at(tmp_path / "hub")
    hub.root.mkdir()
    hub.save_settings(HubSettings(grader_account="nobody-grader-report", port=free_port()))
    people = {"instructors": {}, "trainees": {who: {"name": who.title(), "email": ""} for who in ("ann", "bob", "cy")}}
    hub.accounts_file.write_text(json.dumps(people))
    hub.course_dir.mkdir()
    with Gradebook(f"sqlite:///{hub.course_dir / 'gradebook.db'}") as gb:
        gb.add_assignment("certification")
        for who in ("ann", "bob", "cy"):
            gb.add_student(who)
    return hub


def sit_an_exam(hub: HubState) -> None:
    """bob has 30 minutes of extra time; ann is refused a terminal and a kernel; cy never starts."""
    open_session(hub, "certification", 60, extra_time=["bob=30"], now=NINE)
    for minute, who in ((1, "bob"), (2, "ann")):
        log_event(hub, "start", trainee=who, assignment="certification", now=NINE + timedelta(minutes=minute),
                  end=(NINE + timedelta(minutes=90 if who == "bob" else 60)).isoformat())
    log_event(hub, "refused", trainee="ann", what="terminal", detail="POST /api/terminals",
              now=NINE + timedelta(minutes=5, seconds=7))
    log_event(hub, "refused", trainee="ann", what="kernel", detail="python3: only the exam kernel",
              now=NINE + timedelta(minutes=3))
    log_event(hub, "hand-in", trainee="ann", assignment="certification", by=HUB_HAND_IN,
              timestamp="2027-01-12 10:00:20.000000 UTC", now=NINE + timedelta(minutes=60, seconds=20))
    close_session(hub, "certification", now=NINE + timedelta(minutes=95))


def test_the_report_shows_each_trainees_exam_log_in_time_order(hub_course: HubState):
    sit_an_exam(hub_course)
    done, out = report(hub_course.course_dir)
    assert "exam log: 3 trainee(s) in exam sessions, 1 with refused requests (ann 2)" in done.stdout
    log = pd.read_csv(out.with_name("cohort-exam-log.csv"), keep_default_na=False)
    ann = log[log["trainee"] == "ann"]
    assert ann["event"].tolist() == ["open", "start", "refused", "refused", "hand-in", "close"]  # by time
    assert ann["what"].tolist()[2:4] == ["kernel", "terminal"]
    assert ann["time"].tolist()[:4] == ["2027-01-12 09:00:00 UTC", "2027-01-12 09:02:00 UTC",
                                        "2027-01-12 09:03:00 UTC", "2027-01-12 09:05:07 UTC"]
    bob_open = log[(log["trainee"] == "bob") & (log["event"] == "open")]
    assert "her end 2027-01-12 10:30:00 UTC" in bob_open["detail"].item()  # her extra time
    assert log[log["trainee"] == "cy"]["event"].tolist() == ["open", "close"]  # given the session, never started
    html = out.read_text(encoding="utf-8")
    section = html[html.index("<h2>Exam sessions</h2>"):]
    summary = re.search(r"<table\b.*?</table>", section, re.S).group(0)
    assert re.findall(r"<tr>\s*<td>(\w+)</td>", summary) == ["ann", "bob", "cy"]  # refused first, then by name
    assert '<th scope="col">Refused requests</th>' in summary
    assert [int(n) for n in re.findall(r"<td>(\d+)</td>\s*<td>\d+</td>\s*<td>certification</td>", summary)] == [2, 0, 0]
    assert "Exam log of ann, in time order (2 refused request(s))" in section
    assert '<th scope="col">Time (UTC)</th>' in section and "POST /api/terminals" in section


def test_a_course_without_exam_log_says_no_exam_was_sat_in_a_session(hub_course: HubState):
    done, out = report(hub_course.course_dir)
    assert "exam log: none" in done.stdout
    assert "No exam was sat under an exam session" in out.read_text(encoding="utf-8")
    assert pd.read_csv(out.with_name("cohort-exam-log.csv")).empty


def test_a_broken_exam_log_is_refused_by_file_and_line(hub_course: HubState):
    sit_an_exam(hub_course)
    log = hub_course.course_dir / "exam-log.jsonl"
    broken = len(log.read_text().splitlines()) + 1
    log.write_text(log.read_text() + '{"time": "yesterday", "event": "open"}\n')
    done = subprocess.run([sys.executable, "-m", "course", "report", "--course", str(hub_course.course_dir),
                           "--out", str(hub_course.course_dir / "r.html")], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and f"{log}, line {broken}: not an exam event" in done.stderr


@pytest.mark.browser
def test_the_exam_sections_pass_axe(hub_course: HubState, request):
    from a11y_support import audit
    from prerequisites import chromium_missing, require

    require(chromium_missing())
    sit_an_exam(hub_course)
    _, out = report(hub_course.course_dir)
    page = request.getfixturevalue("page")
    page.goto(out.as_uri())
    audit(page, "report-exam-log").check()
