"""The exam profile in Chromium on a real hub: what a trainee sitting the exam tries is refused, and logged.

A real JupyterHub (``mesocourse hub``) with real accounts. The instructor opens the certification
exam with the README's command (``mesocourse hub exam open certification --minutes 60``); trainee A
logs in and her JupyterLab opens in the exam's folder, where she opens her exam notebook by
double-clicking it. From her page she then asks for a terminal and for a Python 3 kernel (the REST
calls JupyterLab makes, with her session's XSRF token), types and runs (Shift+Enter) a cell opening
the course package's ``knowledge/data/screening.yaml`` by its path, and asks for the listing of her
home above the exam's folder: each is refused (403, or PermissionError in the cell) and each is
found as a ``refused`` event for her in the exam log. Every account and process is removed at the
end (checked by the fixture). Screenshots go to test-artifacts/hub/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_support import exam_hub, hub_command, log_in, new_page, require_hub_in_chromium, shot, wait_until

import course
from course.grading.kernel_launcher import landlock_abi
from course.hub.exams import read_exam_log

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
PEOPLE = {"i": "Ines Tructor", "a": "Ann Examinee"}
KNOWLEDGE = Path(course.__file__).resolve().parent / "knowledge" / "data" / "screening.yaml"
ASK_FROM_PAGE = """async ([method, path, body]) => {
    const xsrf = (document.cookie.match(/(?:^|; )_xsrf=([^;]*)/) || [])[1] || "";
    const answer = await fetch(path, {method, headers: {"X-XSRFToken": decodeURIComponent(xsrf),
                                                         "Content-Type": "application/json"},
                                      body: body ? JSON.stringify(body) : undefined, credentials: "same-origin"});
    return answer.status;
}"""

require_hub_in_chromium()


@pytest.fixture(scope="module")
def hub():
    with exam_hub(PEOPLE) as running:
        yield running


def refused_of(hub, trainee: str) -> list[dict]:
    return [entry for entry in read_exam_log(hub.state) if entry["event"] == "refused" and entry["trainee"] == trainee]


@pytest.mark.skipif(landlock_abi() < 1, reason="this Linux kernel has no Landlock: the exam kernel cannot be confined")
def test_in_her_exam_a_terminal_a_kernel_the_knowledge_base_and_her_home_are_refused_and_logged(hub, browser):
    trainee = hub.account("a")
    opened = hub_command("exam", "open", "certification", "--minutes", "60", "--state", str(hub.state.root))
    assert "opened an exam session of certification" in opened.stdout and "Landlock" not in opened.stdout
    page = new_page(browser)
    log_in(page, hub, trainee)
    page.wait_for_url(f"**/user/{trainee}/lab**")
    page.locator(".jp-DirListing-item", has_text="certification.ipynb").first.dblclick()
    page.locator(".jp-NotebookPanel-toolbar", has_text="Exam (mesocourse)").wait_for()
    shot(page, "exam-notebook-open")

    base = f"/user/{trainee}"
    assert page.evaluate(ASK_FROM_PAGE, ["POST", f"{base}/api/terminals", None]) == 403
    assert page.evaluate(ASK_FROM_PAGE, ["POST", f"{base}/api/kernels", {"name": "python3"}]) == 403
    assert page.evaluate(ASK_FROM_PAGE, ["GET", f"{base}/api/contents/..%2F", None]) == 403  # her home

    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.keyboard.press("Escape")  # command mode
    page.keyboard.press("a")  # a new cell above, as she would add one
    page.keyboard.press("Enter")  # edit it
    page.keyboard.type(f"open({str(KNOWLEDGE)!r}).read()")
    page.keyboard.press("Shift+Enter")
    refusal = page.locator(".jp-OutputArea-output", has_text="PermissionError").first
    refusal.wait_for()
    shot(page, "exam-knowledge-refused")
    assert "screening.yaml" in refusal.inner_text()
    cells = page.locator(".jp-Notebook .jp-CodeCell")
    for index in (1, 2):  # the exam's own first cells (load check() and show(), show her patient) still work
        cells.nth(index).locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        cells.nth(index).locator(".jp-InputArea-prompt", has_text="[2]" if index == 1 else "[3]").wait_for()
    assert "Error" not in cells.nth(1).inner_text() + cells.nth(2).inner_text(), cells.nth(2).inner_text()
    assert cells.nth(2).locator(".jp-OutputArea-output").count() > 0
    shot(page, "exam-own-cells-run")

    wanted = {"terminal", "kernel", "path", "file"}
    wait_until(lambda: wanted <= {entry["what"] for entry in refused_of(hub, trainee)}, 60,
               "her refusals in the exam log")
    logged = {entry["what"]: entry["detail"] for entry in refused_of(hub, trainee)}
    assert str(KNOWLEDGE) in logged["file"] and "api/terminals" in logged["terminal"], logged
    page.context.close()
    hub_command("exam", "close", "certification", "--state", str(hub.state.root))
