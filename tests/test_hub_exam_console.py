"""Exam sessions from the instructor console, in headless Chromium, by clicking: no command typed.

A real JupyterHub (``mesocourse hub``) in a throwaway folder with real accounts: an instructor and two
trainees in a hub group of their own, the certification exam released. The instructor opens a session
for the group with extra time for one trainee (the page runs the CLI's own functions as the course
service, with the service's hub token): the status table shows both ends, the exam log the open, and
the trainee's running server is restarted in the exam profile. A session of 0 minutes is refused in
plain words and opens nothing; closing asks for a confirmation, then the page says no session is open
and the log has the close. A trainee asking for the page gets 403. Every account and process is
removed at the end (checked by the fixture).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hub_support import TraineeServer, exam_hub, log_in, new_page, require_hub_in_chromium, shot, wait_until

from course.hub.exams import load_sessions, read_exam_log
from course.hub.hub_api import HubAPI
from course.hub.passwords import forget_one_time

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
PEOPLE = {"i": "Ines Tructor", "a": "Ann Onschedule", "b": "Bea Extratime"}
GROUP = "exam-room-1"

require_hub_in_chromium()


@pytest.fixture(scope="module")
def hub():
    with exam_hub(PEOPLE) as running:
        HubAPI.for_state(running.state).add_to_group(GROUP, [running.account("a"), running.account("b")])
        yield running


def events(hub) -> list[str]:
    return [entry["event"] for entry in read_exam_log(hub.state)]


def test_an_instructor_opens_sees_and_closes_an_exam_session_by_clicking(hub, browser):
    from a11y_support import audit

    a, b = hub.account("a"), hub.account("b")
    forget_one_time(hub.state, a)  # she chose her own password (test_hub_passwords covers how)
    server = TraineeServer(hub, a)
    server.api.call("POST", f"/users/{a}/server")
    server.wait_ready()
    assert not server.in_exam_profile(), "before the exam: the normal profile starts a Python 3 kernel"

    page = new_page(browser)
    log_in(page, hub, hub.account("i"), "/hub/home")
    page.wait_for_url("**/hub/home**")
    page.get_by_role("link", name="Instructor console").click()
    page.get_by_role("link", name="Exam sessions").first.click()
    page.wait_for_url("**/services/course/console/exams")
    assert page.inner_text("#no-session") == "No exam session open."
    audit(page, "hub-exam-sessions").check()

    # 0 minutes, typed and sent with the keyboard alone: refused in plain words, announced, nothing opened
    page.get_by_label("Minutes", exact=True).focus()
    page.keyboard.type("0")
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    alert.wait_for()
    shot(page, "exam-sessions-refused")
    assert "--minutes 0: an exam lasts at least one minute" in alert.inner_text(), alert.inner_text()
    assert page.evaluate("() => document.activeElement.id") == "exam-error", "the refusal is where the focus is"
    assert page.get_by_label("Minutes", exact=True).get_attribute("aria-invalid") == "true"
    assert load_sessions(hub.state) == [] and "open" not in events(hub)
    audit(page, "hub-exam-sessions-refused").check()

    page.get_by_label("Exam").select_option("certification")
    page.get_by_label("Minutes", exact=True).fill("60")
    page.get_by_label("Group").select_option(GROUP)
    page.get_by_label("Extra time").fill(f"{b}=30")
    page.get_by_role("button", name="Open the exam session").click()
    done = page.get_by_role("status").filter(has_text="Done:")
    done.wait_for()
    shot(page, "exam-sessions-open")
    said = done.inner_text()
    assert f"opened an exam session of certification for group {GROUP}" in said, said
    assert f"restarted the running servers of {a}" in said, said

    table = page.get_by_role("table").filter(has_text=f"certification: open, group {GROUP}")
    ends = {}
    for trainee, extra in ((a, "none"), (b, "+30 min")):
        cells = table.get_by_role("row").filter(has_text=trainee).get_by_role("cell").all_inner_texts()
        assert cells[1:] == [extra, "sitting"], cells
        ends[trainee] = datetime.fromisoformat(cells[0])
    assert ends[b] - ends[a] == timedelta(minutes=30)
    opened = [entry for entry in read_exam_log(hub.state) if entry["event"] == "open"]
    assert len(opened) == 1 and opened[0]["group"] == GROUP
    assert {trainee: datetime.fromisoformat(end) for trainee, end in opened[0]["ends"].items()} == ends

    server.wait_ready()
    assert server.in_exam_profile(), "her running server was restarted in the exam profile"

    page.set_viewport_size({"width": 768, "height": 900})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 768, "no sideways scrolling at 768 px"
    audit(page, "hub-exam-sessions-open-768").check()

    page.get_by_role("link", name="Close the exam session of certification").click()
    page.wait_for_url("**/console/exams/close/certification")
    assert "ends the exam now for its 2 trainee(s)" in page.inner_text("main")
    assert [s.closed_at for s in load_sessions(hub.state)] == [None], "asking to close closes nothing yet"
    audit(page, "hub-exam-sessions-confirm-close").check()
    page.get_by_role("button", name="Close the session now").focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="closed the exam session of certification (2 trainee(s))").wait_for()
    shot(page, "exam-sessions-closed")
    assert page.inner_text("#no-session") == "No exam session open."
    assert "close" in events(hub) and load_sessions(hub.state)[0].closed_at is not None
    server.wait_ready()
    wait_until(lambda: not server.in_exam_profile(), 60, "her server back in the normal profile after close")
    page.context.close()


def test_a_trainee_may_not_open_the_exam_sessions_page(hub, browser):
    trainee = hub.account("b")
    page = new_page(browser)
    log_in(page, hub, trainee, "/hub/home")
    page.wait_for_url("**/hub/home**")
    for path in ("console/exams", "console/exams/close/certification"):
        response = page.goto(f"{hub.url}/services/course/{path}")
        assert response is not None and response.status == 403, path
    page.context.close()
