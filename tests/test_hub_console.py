"""The course server as an instructor uses it, in headless Chromium: Terminal, console, formgrader.

A real JupyterHub (``mesocourse hub``) in a throwaway folder with real accounts (an
instructor and one trainee). Every account and process is removed at the end (checked).
Needs root; skips otherwise.
"""

from __future__ import annotations

import nbformat
import pytest
from hub_support import (
    TraineeServer,
    change_password,
    course_hub_left_clean,
    log_in,
    new_page,
    require_hub_in_chromium,
    shot,
)

from course.hub.accounts import as_account
from course.hub.grader import run_as_grader

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
PEOPLE = {"i": "Ines Tructor", "a": "Ann Honest", "b": "Bo First", "e": "Eve Late"}
ASSIGNMENT = "screening"

require_hub_in_chromium()


@pytest.fixture(scope="module")
def hub():
    with course_hub_left_clean(PEOPLE) as running:
        yield running


def read_terminals_aloud(hub, account: str) -> None:
    """The person's JupyterLab setting "Screen Reader Mode" for Terminals, as they would tick it:
    xterm.js then keeps the screen's text in the page (it draws on a canvas otherwise)."""
    folder = hub.state.home(account) / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "terminal-extension"
    as_account(account, ["mkdir", "-p", str(folder)], check=True)
    as_account(account, ["sh", "-c", f"echo '{{\"screenReaderMode\": true}}' > {folder}/plugin.jupyterlab-settings"],
               check=True)


def test_an_instructor_opens_a_terminal_and_runs_whoami(hub, browser):
    """The account has no login shell; the server has one: the browser's Terminal answers."""
    instructor = hub.account("i")
    read_terminals_aloud(hub, instructor)
    page = new_page(browser)
    log_in(page, hub, instructor)
    page.wait_for_url("**/lab**")
    page.locator(".jp-LauncherCard[data-category='Other'] >> text=Terminal").first.click()
    page.locator(".jp-Terminal .xterm").first.wait_for()
    page.locator(".jp-Terminal .xterm").first.click()
    page.keyboard.type("whoami; echo shell=$SHELL\n")
    try:
        page.wait_for_function("() => /shell=\\//.test([...document.querySelectorAll('.jp-Terminal')]"
                               ".map(e => e.innerText).join(' '))", timeout=60_000)
    finally:
        shot(page, "instructor-terminal-whoami")
    text = page.locator(".jp-Terminal").first.inner_text()
    assert instructor in text and "shell=/bin/" in text, text
    page.context.close()


def test_nbgrader_commands_print_no_relative_root_warning(hub):
    """The course config names its folder outright: nbgrader warns about no relative root."""
    done = run_as_grader(hub.state, ["nbgrader", "db", "assignment", "list"], capture_output=True, text=True,
                         timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "is not absolute" not in done.stdout + done.stderr
    assert f"c.CourseDirectory.root = {str(hub.state.course_dir)!r}" in (
        hub.state.course_dir / "nbgrader_config.py").read_text()


def trainee_hands_in(hub, trainee: str) -> None:
    """The trainee fetches and submits with nbgrader's own commands, as their server runs them,
    answers filled in for their own variant (the browser's Assignments tab is test_hub_e2e's)."""
    from course.assignments.allocation import assignment_count, course_variant
    from course.assignments.submission import fill_answers
    from course.assignments.variants import load_variants
    from course.coursedir import Course
    from course.hub.hub_api import HubAPI
    from course.hub.spawner import course_environment

    token = HubAPI.for_state(hub.state).call("POST", f"/users/{trainee}/tokens", {"note": "test"})["token"]
    env = {**course_environment(hub.state, "trainee"), "JUPYTERHUB_USER": trainee, "JUPYTERHUB_API_TOKEN": token,
           "JUPYTERHUB_API_URL": f"{hub.url}/hub/api"}
    done = as_account(trainee, ["nbgrader", "fetch_assignment", ASSIGNMENT], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-1500:]
    notebook = hub.state.home(trainee) / hub.state.settings().course_id / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    count = assignment_count(hub.state.course_dir / "source" / ASSIGNMENT)
    variant = course_variant(Course(hub.state.course_dir), ASSIGNMENT, trainee, count)
    answers = load_variants(ASSIGNMENT, count).answers(variant)
    wrong_first = {name: ([] if isinstance(value, list) else value) for name, value in answers.items()}
    wrong_first = {**wrong_first, **{k: "proceed" for k in answers if k.startswith("case_01_decision")}}
    filled = fill_answers(nbformat.read(notebook, as_version=4), wrong_first)
    notebook.write_text(nbformat.writes(filled))
    done = as_account(trainee, ["nbgrader", "submit", ASSIGNMENT], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-1500:]


def click_and_wait(page, button, name: str) -> str:
    """Click a console button (its name, or the button itself), follow its job page to the end;
    returns the outcome in words."""
    (page.get_by_role("button", name=button) if isinstance(button, str) else button).click()
    page.wait_for_url("**/console/jobs/**")
    try:
        page.wait_for_function("() => !/Running/.test(document.getElementById('outcome').innerText)",
                               timeout=600_000)
    finally:
        shot(page, f"console-{name}")
    return page.inner_text("#outcome")


def test_an_instructor_runs_the_hand_in_loop_from_the_console_by_clicking(hub, browser):
    from a11y_support import audit

    instructor, trainee = hub.account("i"), hub.account("a")
    page = new_page(browser)
    log_in(page, hub, instructor, "/hub/home")
    page.wait_for_url("**/hub/home**")
    page.get_by_role("link", name="Instructor console").click()  # the hub's bar: no address to type
    page.wait_for_url("**/services/course/console")
    shot(page, "console")
    audit(page, "hub-console").check()
    row = page.get_by_role("row").filter(has_text=ASSIGNMENT).first
    row.get_by_label("Due").fill("2030-01-31T17:00")
    outcome = click_and_wait(page, row.get_by_role("button", name=f"Release {ASSIGNMENT}"), "release")
    assert outcome == f"Release {ASSIGNMENT} (due 2030-01-31 17:00 UTC): done.", page.inner_text("body")
    assert (hub.state.exchange / hub.state.settings().course_id / "outbound" / ASSIGNMENT).is_dir()

    trainee_hands_in(hub, trainee)
    for button, name in ((f"Collect {ASSIGNMENT}", "collect"), (f"Grade {ASSIGNMENT}", "grade"),
                         (f"Write and release feedback for {ASSIGNMENT}", "feedback")):
        page.get_by_role("link", name="Back to the console").click()
        outcome = click_and_wait(page, button, name)
        assert outcome.endswith("done."), page.inner_text("body")
        if name == "grade":
            assert page.get_attribute("#progress", "value") == page.get_attribute("#progress", "max") == "1"
            page.get_by_role("link", name="Open the grading sheet").click()
            assert trainee in page.inner_text("table") and "graded" in page.inner_text("table")
            shot(page, "console-grading-sheet")
            page.go_back()
    page.get_by_role("link", name="Back to the console").click()
    assert click_and_wait(page, "Write the cohort report", "report").endswith("done.")
    page.get_by_role("link", name="Open the cohort report").click()
    assert ASSIGNMENT in page.inner_text("body")
    page.go_back()
    page.get_by_role("link", name="Back to the console").click()
    outcome = click_and_wait(page, "Run certification", "certify")
    assert outcome, "certification says what it did, done or not"
    assert trainee in page.inner_text("#output")  # its decision per trainee

    # The trainee: feedback one click from the hub's bar, rendered, teaching each case; refused the console.
    mine = new_page(browser)
    log_in(mine, hub, trainee, "/hub/home")
    mine.wait_for_url("**/hub/home**")
    mine.get_by_role("link", name="Your feedback").click()
    mine.get_by_role("link", name=f"{ASSIGNMENT}/{ASSIGNMENT}").click()
    text = mine.inner_text("body")
    shot(mine, "trainee-feedback")
    assert "Result: not passed" in text and "Source: " in text and "of this assignment" in text
    assert "_mc_" not in mine.content() and "visible_test" not in mine.content()
    audit(mine, "hub-trainee-feedback").check()
    response = mine.goto(f"{hub.url}/services/course/console")
    assert response is not None and response.status == 403
    view_feedback_from_the_assignments_tab(mine, hub, trainee)
    mine.context.close()
    page.context.close()


def view_feedback_from_the_assignments_tab(page, hub, trainee: str) -> None:
    """In her JupyterLab: Fetch Feedback, then one click on nbgrader's "(view feedback)" opens the rendered
    page in a new tab (the course's JupyterLab extension), not a folder of untrusted HTML; so does Enter."""
    from a11y_support import audit
    from hub_support import open_assignments, rows

    from course.hub.welcome import WELCOME

    page.goto(f"{hub.url}/hub/spawn")
    page.wait_for_url(f"**/lab/tree/{WELCOME}**")
    page.locator(".jp-RenderedMarkdown", has_text="that is expected").first.wait_for()
    open_assignments(page)
    rows(page, "submitted", 1).first.locator('button:text("Fetch Feedback")').click()
    link = page.get_by_role("link", name="(view feedback)").first  # a link to assistive technology too
    with page.context.expect_page() as opened:
        link.click()
    feedback = opened.value
    feedback.wait_for_load_state()
    assert feedback.url == f"{hub.url}/services/course/feedback/{ASSIGNMENT}", feedback.url
    text = feedback.inner_text("body")
    shot(feedback, "trainee-view-feedback-from-lab")
    assert "Result: not passed" in text and "Source: " in text and "of this assignment" in text
    assert "_mc_" not in feedback.content() and "visible_test" not in feedback.content()
    audit(feedback, "hub-trainee-view-feedback-from-lab").check()
    feedback.close()
    link.focus()  # reachable with the keyboard too (nbgrader's own link is not), and Enter follows it
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "(view feedback)"
    with page.context.expect_page() as opened:
        page.keyboard.press("Enter")
    opened.value.wait_for_load_state()
    assert opened.value.url == feedback.url


def test_formgrader_is_one_click_from_the_bar_with_no_authorize_page(hub, browser):
    grader = hub.state.settings().grader_account
    page = new_page(browser)
    log_in(page, hub, hub.account("i"), "/hub/home")
    page.wait_for_url("**/hub/home**")
    page.get_by_role("link", name="Formgrader").click()
    page.wait_for_url(f"**/user/{grader}/formgrader**")
    page.get_by_text(ASSIGNMENT).first.wait_for()
    shot(page, "formgrader-from-the-bar")
    assert "Authorize" not in page.inner_text("body")
    page.context.close()


def test_a_first_login_chooses_a_password_before_any_server_starts(hub, browser):
    """The one-time password leads to change-password; no server starts before; then it does."""
    from course.hub.hub_api import HubAPI

    trainee = hub.account("b")
    page = new_page(browser)
    page.goto(f"{hub.url}/hub/login")
    assert page.inner_text("#eye") == "Show password"  # a visible text label, not an emoji
    page.click("#eye")
    assert page.inner_text("#eye") == "Hide password"
    page.fill("#username_input", trainee)
    page.fill("#password_input", hub.passwords[trainee])
    page.click("#login_submit")
    page.wait_for_url("**/hub/change-password")
    shot(page, "first-login-change-password")
    assert page.get_by_role("link", name="Change password").count() == 1  # in the bar, from now on
    page.goto(f"{hub.url}/hub/spawn")  # asking for a server leads back to change-password
    page.wait_for_url("**/hub/change-password")
    assert not HubAPI.for_state(hub.state).call("GET", f"/users/{trainee}")["servers"]
    change_password(page, hub, trainee)
    page.goto(f"{hub.url}/hub/spawn")
    page.wait_for_url("**/lab/tree/Welcome.md**")  # the welcome page says what to expect
    page.locator(".jp-RenderedMarkdown", has_text="that is expected").first.wait_for()  # rendered, not its source
    shot(page, "trainee-welcome")
    assert page.get_by_text("Select Kernel").count() == 0  # no "Select Kernel" dialog
    assert page.get_by_text("Jupyter news").count() == 0  # nor a prompt to fetch news from the internet
    assert not TraineeServer(hub, trainee).kernels()  # and no kernel started for a page that runs no code
    page.context.close()


def test_an_expired_one_time_password_is_refused(hub, browser):
    from datetime import UTC, datetime, timedelta

    from course.hub.passwords import record_one_time

    trainee = hub.account("e")
    record_one_time(hub.state, trainee, 7, now=datetime.now(UTC) - timedelta(days=8))  # a week and a day ago
    page = new_page(browser)
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", trainee)
    page.fill("#password_input", hub.passwords[trainee])
    page.click("#login_submit")
    page.get_by_text("one-time password has expired").wait_for()
    assert "/hub/login" in page.url
    shot(page, "expired-one-time-password")
    page.context.close()
