"""The course server as an instructor uses it, in headless Chromium: Terminal, console, formgrader.

A real JupyterHub (``mesocourse hub``) in a throwaway folder with real accounts (an
instructor and one trainee). Every account and process is removed at the end (checked).
Needs root; skips otherwise.
"""

from __future__ import annotations

import pytest
from hub_support import course_hub_left_clean, log_in, new_page, require_hub_in_chromium, shot

from course.hub.accounts import as_account
from course.hub.grader import run_as_grader

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
PEOPLE = {"i": "Ines Tructor", "a": "Ann Honest"}

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
