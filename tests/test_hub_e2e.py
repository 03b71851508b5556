"""The course server end to end, in headless Chromium: hand-in -> grade -> feedback.

A real JupyterHub (``mesocourse hub``) in a throwaway folder, with real
operating-system accounts: an instructor, trainee A (honest), trainee B
(hostile) and trainee C (hands in a file that is not a notebook; enrolled
while the hub runs, so the hub API path of enrolment is used). The
instructor's commands run as the course's grader account in the course folder,
exactly as typed in a terminal of the grader's server. A's answers are written
into A's fetched notebook as A's own file (typing into cells in JupyterLab is
covered by test_browser.py); fetching, submitting and fetching feedback go
through nbgrader's Assignments tab. A then asks her own server for a Python 3
kernel on the fetched certification exam and gets the exam kernel. Every account
and process is removed at the end (checked).

Needs root (accounts, and the hub runs people's servers as them); skips
otherwise, with the reason. Screenshots go to test-artifacts/hub/.
"""

from __future__ import annotations

import csv
import json
import shutil
import signal
import textwrap
import time
from pathlib import Path
from urllib.parse import quote

import nbformat
import pytest
from browser_support import run_in_kernel
from hub_support import course_hub_left_clean, log_in, new_page, open_assignments, require_hub_in_chromium, rows, shot

from course.assignments.allocation import assignment_count, course_variant
from course.assignments.catalog import load_assignment
from course.assignments.submission import fill_answers
from course.assignments.variants import load_variants
from course.coursedir import Course
from course.exam_kernel import KERNEL_NAME
from course.hub.accounts import as_account
from course.hub.grader import run_as_grader
from course.hub.hub_api import HubAPI
from course.hub.spawner import course_environment

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
PEOPLE = {"i": "Ines Tructor", "a": "Ann Honest", "b": "Bob Hostile", "c": "Cy Broken"}
ASSIGNMENT = "screening"

require_hub_in_chromium()


@pytest.fixture(scope="module")
def hub():
    with course_hub_left_clean(PEOPLE, enrol_while_running=("c",)) as running:  # C joins a running hub
        yield running


def open_lab(page, hub, who: str) -> None:
    """Log in (the hub starts the person's server) and open the Assignments tab; a trainee's
    JupyterLab first opens their welcome page, so that tab is waited for (as a person would)
    rather than raised over the Assignments tab once opened."""
    from course.hub.welcome import WELCOME

    log_in(page, hub, who)
    page.wait_for_url("**/lab**")
    if (hub.state.home(who) / WELCOME).exists():
        page.locator(".jp-RenderedMarkdown", has_text="that is expected").first.wait_for()
    open_assignments(page)


def fetch_in_lab(page, hub, who: str) -> Path:
    """Log in, open the Assignments tab, click Fetch once (as a trainee would); returns the fetched notebook.

    A click on Fetch was once lost under load: the welcome notebook's "Select Kernel" dialog took
    the front of the page as the click landed (docs/benchmarks.md, the lost Fetch click). The
    welcome page asks for no kernel now, so one click must do, on a loaded machine too."""
    open_lab(page, hub, who)
    notebook = hub.state.home(who) / hub.state.settings().course_id / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    rows(page, "released", 1).first.locator(".item_status button").click()
    rows(page, "fetched", 1, timeout=120_000)
    assert notebook.is_file()
    assert notebook.stat().st_uid == pwd_uid(who)  # fetched by the trainee's own server, as them
    return notebook


def pwd_uid(account: str) -> int:
    import pwd

    return pwd.getpwnam(account).pw_uid


def write_as(account: str, path: Path, text: str) -> None:
    """Change a trainee's file as that trainee would (ownership kept)."""
    path.write_text(text)
    shutil.chown(path, account, account)


def submit_in_lab(page, submissions: int) -> None:
    rows(page, "fetched", 1).first.locator('.item_status button:text("Submit")').click()
    page.wait_for_function(
        "n => document.querySelectorAll('[id$=\"-submissions\"] > .list_item').length >= n", arg=submissions + 1)


def inbound(hub) -> list[str]:
    return sorted(path.name for path in (hub.state.exchange / hub.state.settings().course_id / "inbound").iterdir())


def hostile_cell(hub) -> str:
    """Code trying to read what a trainee must never read; prints one JSON line per attempt."""
    course_id = hub.state.settings().course_id
    targets = {
        "A's fetched notebook": hub.state.home(hub.account("a")) / course_id / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
        "the instructor's source": hub.state.course_dir / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
        "the gradebook": hub.state.course_dir / "gradebook.db",
        "the certification registry": hub.state.course_dir / "certification" / "registry.db",
        "the hub database": hub.state.private / "jupyterhub.sqlite",
    }
    folders = {"A's home": hub.state.home(hub.account("a")),
               "the exchange inbound": hub.state.exchange / course_id / "inbound",
               "the course folder": hub.state.course_dir}
    release = hub.state.exchange / course_id / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    guess = hub.state.exchange / course_id / "inbound" / f"{hub.account('a')}+{ASSIGNMENT}+*"
    return textwrap.dedent(f"""
        import glob, json, os
        def attempt(what, action):
            try:
                action()
                result = "succeeded"
            except PermissionError:
                result = "denied"
            except FileNotFoundError:
                result = "not found"
            print(json.dumps({{"what": what, "result": result}}))
        for what, path in {json.dumps({k: str(v) for k, v in targets.items()})}.items():
            attempt("read " + what, lambda path=path: open(path, "rb").read())
        for what, path in {json.dumps({k: str(v) for k, v in folders.items()})}.items():
            attempt("list " + what, lambda path=path: os.listdir(path))
        attempt("overwrite the released notebook", lambda: open({str(release)!r}, "a").write("x"))
        found = glob.glob({str(guess)!r})
        print(json.dumps({{"what": "find A's submission by its name", "result": "found" if found else "not found"}}))
    """)


def run_hostile_notebook(hub, notebook: Path) -> list[dict]:
    """B writes the hostile notebook and runs it in B's own account (as B's kernel would)."""
    b = hub.account("b")
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell(hostile_cell(hub)))
    write_as(b, notebook, nbformat.writes(nb))
    run = as_account(b, ["jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                         "--ExecutePreprocessor.allow_errors=True", str(notebook)],
                     env=course_environment(hub.state, "trainee"), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    outputs = nbformat.read(notebook, as_version=4).cells[1].outputs
    return [json.loads(line) for output in outputs if output.get("name") == "stdout"
            for line in output.text.splitlines() if line.startswith("{")]


def submit_invalid_json_as(hub, account: str) -> None:
    """C fetches and submits from C's terminal (nbgrader's CLI with C's hub token), the notebook broken."""
    token = HubAPI.for_state(hub.state).call("POST", f"/users/{account}/tokens", {"note": "test terminal"})["token"]
    env = {**course_environment(hub.state, "trainee"), "JUPYTERHUB_USER": account,
           "JUPYTERHUB_API_TOKEN": token, "JUPYTERHUB_API_URL": f"{hub.url}/hub/api"}
    for argv in (["nbgrader", "fetch_assignment", ASSIGNMENT], None, ["nbgrader", "submit", ASSIGNMENT]):
        if argv is None:
            notebook = hub.state.home(account) / hub.state.settings().course_id / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            write_as(account, notebook, '{"cells": [ this is not JSON')
            continue
        done = as_account(account, argv, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{argv}: {done.stdout[-1500:]}{done.stderr[-1500:]}"


def instructor(hub, *argv: str, ok: bool = True):
    done = run_as_grader(hub.state, list(argv), capture_output=True, text=True, timeout=600)
    if ok:
        assert done.returncode == 0, f"{argv}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done


def gradesheet(hub) -> dict[str, dict[str, str]]:
    sheet = hub.state.course_dir / "reports" / f"grading-{ASSIGNMENT}.csv"
    return {row["student_id"]: row for row in csv.DictReader(sheet.open())}


def own_answers(course: Path, trainee: str) -> dict:
    """Full-mark answers to the trainee's own variant: the hub's course has a secret of its own."""
    count = assignment_count(course / "source" / ASSIGNMENT)
    return load_variants(ASSIGNMENT, count).answers(course_variant(Course(course), ASSIGNMENT, trainee, count))


def test_hand_in_grade_and_feedback_through_the_hub(hub, browser):
    a, b, c = (hub.account(role) for role in "abc")
    course = hub.state.course_dir
    # The instructor releases the assignment with a due date already past: every hand-in is late.
    instructor(hub, "nbgrader", "db", "assignment", "add", ASSIGNMENT, "--duedate=2020-01-01 00:00:00 UTC")
    instructor(hub, "nbgrader", "release_assignment", ASSIGNMENT)

    # Trainee A: fetch in the Assignments tab, answer one case, submit; then answer all and submit again.
    page_a = new_page(browser)
    notebook_a = fetch_in_lab(page_a, hub, a)
    released = nbformat.read(notebook_a, as_version=4)
    answers_a = own_answers(course, a)
    first_case = {k: v for k, v in answers_a.items() if k.startswith("case_01_")}
    write_as(a, notebook_a, nbformat.writes(fill_answers(released, first_case)))
    submit_in_lab(page_a, 1)
    write_as(a, notebook_a, nbformat.writes(fill_answers(released, answers_a)))
    submit_in_lab(page_a, 2)
    shot(page_a, "a-submitted-twice")
    assert len([name for name in inbound(hub) if name.startswith(f"{a}+")]) == 2  # both hand-ins kept

    # Trainee B: a hostile notebook, run in B's own account, then submitted. Every read must fail.
    page_b = new_page(browser)
    attempts = run_hostile_notebook(hub, fetch_in_lab(page_b, hub, b))
    assert len(attempts) == 10, attempts
    for attempt in attempts:
        assert attempt["result"] in ("denied", "not found"), attempt
    assert {x["what"]: x["result"] for x in attempts}["read A's fetched notebook"] == "denied"
    assert {x["what"]: x["result"] for x in attempts}["list the exchange inbound"] == "denied"
    assert {x["what"]: x["result"] for x in attempts}["read the instructor's source"] == "denied"
    submit_in_lab(page_b, 1)
    shot(page_b, "b-submitted")
    page_b.context.close()

    # Trainee C hands in a file that is not a notebook, from a terminal.
    submit_invalid_json_as(hub, c)

    # The hub is stopped (kill: it stops people's servers too) and started again: nothing handed in is lost.
    page_a.context.close()
    assert hub.stop(signal.SIGTERM) is not None
    hub.start()
    instructor(hub, "nbgrader", "collect", ASSIGNMENT)
    collected = {path.parent.name: path for path in (course / "submitted").glob(f"*/{ASSIGNMENT}")}
    assert set(collected) >= {a, b, c}
    stamps = sorted(name.split("+")[2] for name in inbound(hub) if name.startswith(f"{a}+"))
    assert (collected[a] / "timestamp.txt").read_text().strip() == stamps[-1]  # the latest of A's two

    # Grading with mesocourse grade: A full marks from the latest hand-in, C failed, B graded.
    instructor(hub, "mesocourse", "grade", ASSIGNMENT, "--course", str(course))
    sheet = gradesheet(hub)
    assert sheet[a]["status"] == "graded" and float(sheet[a]["score"]) == load_assignment(ASSIGNMENT).points
    assert sheet[c]["status"] == "failed", sheet[c]
    assert sheet[b]["status"] in ("graded", "flagged"), sheet[b]
    from nbgrader.api import Gradebook
    from nbgrader.utils import parse_utc

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, a)
        assert submission.timestamp == parse_utc((collected[a] / "timestamp.txt").read_text().strip())
        assert submission.total_seconds_late > 0  # late, recorded with its time stamp

    # Feedback: written, released; A fetches it in the Assignments tab and reads it.
    instructor(hub, "mesocourse", "feedback", ASSIGNMENT, "--course", str(course), ok=False)
    instructor(hub, "nbgrader", "release_feedback", ASSIGNMENT)
    page_a = new_page(browser)
    open_lab(page_a, hub, a)
    submitted = rows(page_a, "submitted", 1).first
    submitted.locator('button:text("Fetch Feedback")').click()
    html_files = []
    for _ in range(120):
        html_files = list((hub.state.home(a) / hub.state.settings().course_id / ASSIGNMENT / "feedback").glob(
            f"*/{ASSIGNMENT}.html"))
        if html_files:
            break
        page_a.wait_for_timeout(500)
    assert html_files, "A's feedback was not fetched"
    relative = html_files[0].relative_to(hub.state.home(a))
    page_a.goto(f"{hub.url}/user/{a}/files/{relative}")
    text = page_a.inner_text("body")
    shot(page_a, "a-feedback")
    points = load_assignment(ASSIGNMENT).points
    assert f"{points:g}" in text and "Score" in text
    html = html_files[0].read_text()
    assert "HIDDEN TESTS" not in html and "_mc_fields" not in html and "_mc_hidden_test" not in html
    page_a.context.close()


def test_formgrader_opens_in_its_own_tab_for_instructors_only(hub, browser):
    """JupyterHub 4.1+ forbids framing: instructors open formgrader at its own address, on the
    grader's server (started from the hub by any instructor); trainees are refused."""
    grader = hub.state.settings().grader_account
    formgrader = f"/user/{grader}/formgrader"
    page = new_page(browser)
    log_in(page, hub, hub.account("i"), f"/hub/spawn/{grader}?next={quote(formgrader)}")
    page.wait_for_url(f"**{formgrader}/**")  # formgrader's page, with no Authorize page stopping the way there
    page.get_by_text(ASSIGNMENT).first.wait_for()
    shot(page, "instructor-formgrader")
    page.context.close()

    page = new_page(browser)
    log_in(page, hub, hub.account("a"), "/hub/home")
    page.wait_for_url("**/hub/home**")
    response = page.goto(f"{hub.url}{formgrader}")
    assert response is not None and response.status in (403, 404)
    assert "Manage Assignments" not in page.inner_text("body")
    shot(page, "trainee-refused-formgrader")
    page.context.close()


def test_a_trainee_server_runs_the_certification_notebook_in_the_exam_kernel_only(hub):
    """A asks her own server for a Python 3 kernel on the fetched certification exam: she gets the
    exam kernel, where the course's engines cannot be imported; her other notebooks keep Python 3."""
    a = hub.account("a")
    instructor(hub, "nbgrader", "release_assignment", "certification")
    admin = HubAPI.for_state(hub.state)
    token = admin.call("POST", f"/users/{a}/tokens", {"note": "test exam kernel"})["token"]
    env = {**course_environment(hub.state, "trainee"), "JUPYTERHUB_USER": a, "JUPYTERHUB_API_TOKEN": token,
           "JUPYTERHUB_API_URL": f"{hub.url}/hub/api"}
    done = as_account(a, ["nbgrader", "fetch_assignment", "certification"], env=env,
                      capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-1500:]
    exam = f"{hub.state.settings().course_id}/certification/certification.ipynb"
    assert (hub.state.home(a) / exam).is_file()
    admin.call_tolerating(400, "POST", f"/users/{a}/server")  # 400: already running
    for _ in range(240):
        if admin.call("GET", f"/users/{a}")["servers"].get("", {}).get("ready"):
            break
        time.sleep(0.5)
    server = HubAPI(f"{hub.url}/user/{a}/api", token)
    session = server.call("POST", "/sessions", {"path": exam, "type": "notebook", "name": "certification.ipynb",
                                                 "kernel": {"name": "python3"}})
    assert session["kernel"]["name"] == KERNEL_NAME, session
    refused = run_in_kernel(server.url, server.token, session["kernel"]["id"], "import course.screening")
    assert refused.startswith("ModuleNotFoundError")
    other = server.call("POST", "/kernels", {"name": "python3", "path": ""})  # A's home: an ordinary kernel
    assert other["name"] == "python3"
    assert run_in_kernel(server.url, server.token, other["id"], "import course.screening") == "ok"
    for path in (f"/sessions/{session['id']}", f"/kernels/{other['id']}"):
        server.call("DELETE", path)


def test_a_server_that_cannot_start_shows_the_error_page(hub, browser):
    """C's home is made unusable: C sees JupyterHub's 'Spawn failed' page, not an endless wait."""
    c = hub.account("c")
    home = hub.state.home(c)
    shutil.chown(home, "root", "root")
    page = new_page(browser)
    log_in(page, hub, c)
    page.get_by_text("Spawn failed").first.wait_for(timeout=180_000)
    assert "exited with status" in page.inner_text("body")  # told at once, not after the 120 s timeout
    shot(page, "c-spawn-failed")
    page.context.close()
