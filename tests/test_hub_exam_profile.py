"""The exam profile on a real hub: while her exam is open, a trainee's server has no terminal, no
kernel but the exam kernel, nothing outside the exam's folder (a link to her home included) and no
upload, each refused with 403 and logged as a ``refused`` event for her through the course service
(which takes no report about another trainee, nor outside her exam); after close, a terminal again.

A real JupyterHub (``mesocourse hub``) in a throwaway folder with real accounts; the session is
opened and closed with the real ``mesocourse hub exam`` command, which restarts her running server
through the hub. Her server is reached through the hub's proxy with a token of her own, as her
browser's JupyterLab reaches it. Every account and process is removed at the end (checked).
"""

from __future__ import annotations

import base64
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from browser_support import jupyter_call
from hub_support import TraineeServer, exam_hub, hub_command, trainee_submits, wait_until

from course.exam_kernel import KERNEL_NAME
from course.hub.accounts import as_account
from course.hub.exams import exam_folder, read_exam_log, utc_now
from course.hub.passwords import forget_one_time
from course.hub.service.exam_reports import TRAINEE_HAND_IN
from course.hub.spawner import course_environment
from course.hub.welcome import WELCOME

pytestmark = [pytest.mark.hub, pytest.mark.slow]
PEOPLE = {"i": "Ines Tructor", "a": "Ann Examinee"}


@pytest.fixture(scope="module")
def hub():
    with exam_hub(PEOPLE) as running:
        yield running


def test_an_open_exam_restricts_her_server_and_close_gives_it_back(hub):
    trainee = hub.account("a")
    forget_one_time(hub.state, trainee)  # she chose her own password (test_hub_passwords covers how)
    server = TraineeServer(hub, trainee)
    server.api.call("POST", f"/users/{trainee}/server")
    server.wait_ready()
    assert server.terminal_opens(), "the normal profile has terminals"
    assert server.call("GET", f"/contents/{WELCOME}")[0] == 200, "her home is her server's root"

    early = exam_folder(hub.state, trainee, "certification")  # as if fetched early, with a crib sheet in it
    early.mkdir(parents=True)
    (early / "crib.txt").write_text("answers worked out before the exam\n")
    for path in (early.parent, early, early / "crib.txt"):
        shutil.chown(path, trainee, trainee)

    opened = hub_command("exam", "open", "certification", "--minutes", "60", "--state", str(hub.state.root))
    assert f"restarted the running servers of {trainee}" in opened.stdout
    server.wait_ready()
    status, answer = server.call("POST", "/terminals")
    assert status == 403, f"a terminal in an exam: {status} {answer}"
    status, answer = server.call("POST", "/kernels", {"name": "python3"})
    assert status == 403 and "only the exam kernel" in str(answer), (status, answer)
    status, specs = server.call("GET", "/kernelspecs")
    assert status == 200 and isinstance(specs, dict) and set(specs["kernelspecs"]) == {KERNEL_NAME}
    status, listing = server.call("GET", "/contents")
    assert status == 200 and isinstance(listing, dict)
    names = {entry["name"] for entry in listing["content"]}
    assert "certification.ipynb" in names and WELCOME not in names and "crib.txt" not in names, names
    start = next(entry for entry in read_exam_log(hub.state) if entry["event"] == "start")
    assert (Path(start["set_aside"]) / "crib.txt").is_file()  # set aside at her first start, out of the exam's reach
    assert server.call("GET", f"/contents/{WELCOME}")[0] == 404
    validate = f"{hub.url}/user/{trainee}/assignments/validate"  # nbgrader's validator: a kernel of its own
    assert jupyter_call(validate, server.token, "POST", {"path": "certification.ipynb"})[0] == 404
    assert server.call("GET", f"/contents/%2E%2E%2F{WELCOME}")[0] == 403  # "../" (a plain .. is normalised away)
    upload = {"type": "file", "format": "base64", "content": base64.b64encode(b"crib sheet").decode()}
    assert server.call("PUT", "/contents/crib.txt", upload)[0] == 403
    submit = {"course_id": hub.state.settings().course_id, "assignment_id": "certification"}  # the tab's Submit
    status, during = jupyter_call(f"{hub.url}/user/{trainee}/assignments/submit", server.token, "POST", submit)
    assert status == 200 and during["success"], during  # before her end: accepted, and in the log as hers
    wait_until(lambda: any(entry["event"] == "hand-in" and entry.get("by") == TRAINEE_HAND_IN
                           for entry in read_exam_log(hub.state)), 60, "her own hand-in in the exam log")
    forged = {"assignment": "certification", "submission": f"{trainee}+certification+2027-01-01 09:00:00 UTC+x"}
    assert jupyter_call(f"{hub.url}/services/course/exam/handed-in", server.token, "POST", forged)[0] == 404
    home_link = exam_folder(hub.state, trainee, "certification") / "home"
    home_link.symlink_to(hub.state.home(trainee))  # as code in her exam kernel could make one
    assert server.call("GET", "/contents/home")[0] == 403
    assert jupyter_call(f"{hub.url}/user/{trainee}/files/home/{WELCOME}", server.token, "GET")[0] == 403
    events = [(entry["event"], entry.get("trainee")) for entry in read_exam_log(hub.state)]
    assert events[:2] == [("open", None), ("start", trainee)], events
    refused_logged = {"terminal", "kernel", "path", "upload"}
    wait_until(lambda: refused_logged <= {entry["what"] for entry in refusals(hub, trainee)}, 60,
               "her server's refusals in the exam log")
    assert all(set(entry) == {"time", "event", "trainee", "what", "detail"} for entry in refusals(hub, trainee))
    assert report(hub, server.token, {"what": "path", "detail": "x", "trainee": hub.account("i")})[0] == 403
    assert report(hub, server.token, {"what": "hand-in", "detail": "forged"})[0] == 400
    logged = len(read_exam_log(hub.state))

    closed = hub_command("exam", "close", "certification", "--state", str(hub.state.root))
    assert f"restarted the running servers of {trainee}" in closed.stdout
    server.wait_ready()
    assert server.terminal_opens(), "after close, the normal profile has terminals again"
    assert [entry["event"] for entry in read_exam_log(hub.state)][-2:] == ["close", "hand-in"]
    inbox = hub.state.exchange / hub.state.settings().course_id / "inbound"
    handed = [entry for entry in inbox.iterdir() if entry.name.startswith(f"{trainee}+certification+")]
    assert len(handed) == 2, handed  # hers during the exam, and the hub's at the end
    assert all((entry / "certification.ipynb").is_file() and (entry / "timestamp.txt").is_file() for entry in handed)
    assert not any((entry / "home").exists() for entry in handed), "the hub's hand-in followed a link out of the exam"
    assert report(hub, server.token, {"what": "path", "detail": "after the exam"})[0] == 409
    assert len(read_exam_log(hub.state)) == logged + 2  # the close and the hub's hand-in only: nothing forged
    late = trainee_submits(hub, trainee, server.token)
    assert late.returncode != 0 and "a later hand-in is refused" in late.stdout + late.stderr
    assert len([entry for entry in inbox.iterdir() if entry.name.startswith(f"{trainee}+")]) == 2


def refusals(hub, trainee: str) -> list[dict]:
    return [entry for entry in read_exam_log(hub.state) if entry["event"] == "refused" and entry["trainee"] == trainee]


def report(hub, token: str, body: dict) -> tuple[int, dict]:
    """A refusal report to the course service, as her server sends it (course.exam_reports)."""
    return jupyter_call(f"{hub.url}/services/course/exam/refused", token, "POST", body)


# what the exam notebook shows that is ours: the notebook's Markdown and outputs, the clock and its announcements
OURS_IN_EXAM = ".jp-OutputArea-output, .jp-MarkdownOutput, .mc-ExamClock, #mesocourse-exam-announcement"


# the clock is drawn above the notebook, with a height of its own, not hidden under the notebook's cells
CLOCK_ABOVE_NOTEBOOK = """() => {
  const clock = document.querySelector('[role=timer]').getBoundingClientRect();
  const notebook = document.querySelector('.jp-NotebookPanel-notebook').getBoundingClientRect();
  return clock.height >= 10 && clock.bottom <= notebook.top + 1;
}"""


def autosave_off(hub, trainee: str) -> None:
    """Her JupyterLab setting "Autosave Documents" off, as she may tick it: what she typed last is then on disk
    only if something saves it."""
    folder = hub.state.home(trainee) / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "docmanager-extension"
    as_account(trainee, ["mkdir", "-p", str(folder)], check=True)
    as_account(trainee, ["sh", "-c", f"echo '{{\"autosave\": false}}' > {folder}/plugin.jupyterlab-settings"],
               check=True)


def open_exam_notebook(page, hub, trainee: str, minutes: int, began_s: int = 0):
    """Open an exam session of ``minutes`` for her, begun ``began_s`` seconds ago (the hub restarts her
    server in the exam profile), then her exam notebook in Chromium; returns the clock bar once it shows
    the time left."""
    began = (utc_now() - timedelta(seconds=began_s)).isoformat(timespec="seconds")
    opened = hub_command("exam", "open", "certification", "--minutes", str(minutes), "--start", began,
                         "--state", str(hub.state.root))
    assert opened.returncode == 0
    TraineeServer(hub, trainee).wait_ready()
    page.goto(f"{hub.url}/user/{trainee}/lab/tree/certification.ipynb")
    page.locator(".jp-MarkdownOutput h1", has_text="Certification exam").wait_for()  # the notebook, loaded
    clock = page.get_by_role("timer")
    clock.wait_for()
    page.wait_for_function("() => /Time left: \\d+/.test(document.querySelector('[role=timer]').textContent)")
    page.wait_for_function(CLOCK_ABOVE_NOTEBOOK, timeout=30_000)
    return clock


@pytest.mark.browser
def test_the_exam_notebook_shows_her_time_left_and_announces_the_last_minutes(hub, browser):
    """The clock above her exam notebook, from her own end on the server: the time left (a timer, not
    announced each tick), and one assertive live region for the 10- and 2-minute warnings and the end."""
    from a11y_support import audit
    from hub_support import log_in, new_page, shot, wait_until
    from prerequisites import chromium_missing, require

    require(chromium_missing())
    trainee = hub.account("a")
    forget_one_time(hub.state, trainee)
    autosave_off(hub, trainee)
    listed = as_account(trainee, ["jupyter", "labextension", "list"], env=course_environment(hub.state, "exam"),
                        capture_output=True, text=True, timeout=300)  # her account finds the course's extension
    assert re.search(r"mesocourse-lab v\S+ .*enabled.*OK", listed.stdout + listed.stderr), listed
    page = new_page(browser)
    log_in(page, hub, trainee)
    page.wait_for_url("**/lab**")
    outside = page.request.get(f"{hub.url}/user/{trainee}/mesocourse/exam")
    assert outside.status == 404, "no exam open: no end time, and no clock"

    clock = open_exam_notebook(page, hub, trainee, minutes=9)
    assert re.fullmatch(r"Time left: [89] min", clock.inner_text().strip()), clock.inner_text()
    live = page.locator("#mesocourse-exam-announcement")
    assert live.get_attribute("aria-live") == "assertive" and clock.get_attribute("aria-live") is None
    page.wait_for_function("() => document.querySelector('#mesocourse-exam-announcement').textContent"
                           " === 'Less than 10 minutes left'")
    shot(page, "exam-clock-9-minutes")
    audit(page, "hub-exam-notebook-with-clock", ours=OURS_IN_EXAM).check()
    hub_command("exam", "close", "certification", "--state", str(hub.state.root))

    clock = open_exam_notebook(page, hub, trainee, minutes=2, began_s=40)  # the last 80 s, then the end
    page.wait_for_function("() => document.querySelector('#mesocourse-exam-announcement').textContent"
                           " === 'Less than 2 minutes left'")
    last_words = "# my last answer, typed after the last autosave"  # her autosave is off (above)
    page.locator(".jp-CodeCell", has_text="Item 01: your answers").locator(".cm-content").click()  # an answer cell
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(last_words)
    page.wait_for_function("() => document.querySelector('#mesocourse-exam-announcement').textContent"
                           " === 'Time is up: your notebook is handed in'", timeout=180_000)
    assert clock.inner_text().strip() == "Time is up"
    notebook = hub.state.home(trainee) / hub.state.settings().course_id / "certification" / "certification.ipynb"
    wait_until(lambda: last_words in notebook.read_text(), 30, "her last words saved at the end, for the hand-in")
    inbox = hub.state.exchange / hub.state.settings().course_id / "inbound"

    def handed_in_with_her_last_words() -> bool:
        return any(last_words in (entry / "certification.ipynb").read_text()
                   for entry in inbox.glob(f"{trainee}+certification+*") if (entry / "certification.ipynb").is_file())

    wait_until(handed_in_with_her_last_words, 120, "the hub's hand-in at her end, with what she typed last")
    shot(page, "exam-clock-time-is-up")
    hub_command("exam", "close", "certification", "--state", str(hub.state.root))
    page.context.close()
