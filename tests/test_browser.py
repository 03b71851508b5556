"""End to end in headless Chromium: JupyterLab and Voilà as a trainee uses them.

Servers run on free localhost ports with throwaway settings, on copies of the
notebooks (nothing in the repository is saved over). Screenshots of every step go
to test-artifacts/browser/. Without Chromium the tests skip outside CI and fail in CI.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sys

import pytest
from a11y_support import audit
from browser_support import free_port, server, shot, start_kernel_session
from prerequisites import chromium_missing, require

from course.depth import tip_depth_mm
from course.paths import NOTEBOOKS
from course.quiz import load_bank
from course.screening import screen

pytestmark = [pytest.mark.browser, pytest.mark.slow]
# the status bar reads "Python 3 (ipykernel) | Idle" once the notebook's kernel is connected and idle
KERNEL_IDLE = "() => [...document.querySelectorAll('.jp-StatusBar-Widget')].some(e => /\\| Idle\\b/.test(e.innerText))"

# in JupyterLab, what the notebook shows: cell outputs (widgets, tables) and rendered Markdown
OURS_IN_LAB = ".jp-OutputArea-output, .jp-MarkdownOutput"

require(chromium_missing(), module=True)


@pytest.fixture(scope="session")  # session: xdist may interleave modules
def lab(tmp_path_factory):
    """JupyterLab on a copy of the notebooks: yields a function that starts a notebook's
    kernel and gives the notebook's URL."""
    home = tmp_path_factory.mktemp("lab")
    shutil.copytree(NOTEBOOKS, home / "notebooks")
    news = home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True)
    news.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    tracker = home / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text('{"autoStartDefaultKernel": true}')  # never ask which kernel: Python 3
    token, port = secrets.token_hex(16), free_port()
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--ServerApp.port={port}",
               "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={home / 'notebooks'}", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    command += ["--allow-root"] if os.geteuid() == 0 else []
    base = f"http://127.0.0.1:{port}"
    with server(command, f"{base}/api/status?token={token}", home):
        def open_notebook(name: str) -> str:
            start_kernel_session(base, token, name)
            return f"{base}/lab/tree/{name}?token={token}&reset"

        open_notebook.home = home  # the trainee's attempts file is home / "attempts.json"
        yield open_notebook


def notebook_name(module: str) -> str:
    return next(NOTEBOOKS.glob(f"{module}_*.ipynb")).name


def accept_kernel_dialog(page) -> None:
    """If JupyterLab still asks which kernel to start, take its preselected Python 3."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    dialog = page.locator(".jp-Dialog")
    for _ in range(3):
        if not (dialog.count() and dialog.first.is_visible()):
            return
        shot(page, "kernel-dialog")
        dialog.first.locator(".jp-Dialog-button.jp-mod-accept").click()
        try:
            dialog.first.wait_for(state="detached", timeout=15_000)
        except PlaywrightTimeout:
            page.keyboard.press("Enter")  # the accept button has the focus


def run_all_cells(page) -> None:
    """Run > Run All Cells once the notebook's kernel is connected and idle, until the first code cell has run."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.locator(".jp-Notebook").first.wait_for()
    accept_kernel_dialog(page)
    page.wait_for_function(KERNEL_IDLE)
    # executed, not merely queued: "[*]" also shows while no kernel is connected yet. Any code cell will do:
    # JupyterLab keeps only the cells near the view in the page, so the first one found may be a later one
    # (or a placeholder without a prompt) once the run has scrolled down.
    executed = ("() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
                ".some(prompt => /\\[\\d+\\]/.test(prompt.textContent ?? ''))")
    for _ in range(3):
        accept_kernel_dialog(page)
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            page.wait_for_function(executed, timeout=60_000)
            return
        except PlaywrightTimeout:
            shot(page, "run-all-not-started")
    raise AssertionError("JupyterLab never started running the notebook's cells")


def run_until(page, condition: str, arg=None) -> None:
    """Run all cells until ``condition`` holds in the page; once more if a widget view did
    not render (seen now and then on a loaded machine)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(2):
        run_all_cells(page)
        try:
            page.wait_for_function(condition, arg=arg, timeout=90_000)
            return
        except PlaywrightTimeout:
            if attempt:
                raise


def screen_pregnant_patient(page, prefix: str) -> None:
    """Fill the intake form for a pregnant patient, press the button, read the decision."""
    from course.widgets.screening_intake import IntakeForm

    form = IntakeForm()
    expected = screen({"pregnant": True}, list(form.cocktail.value)).decision
    decision = page.locator(".meso-decision").first
    decision.wait_for()
    shot(page, f"{prefix}-1-intake-form")
    page.get_by_role("checkbox", name="Pregnant", exact=True).first.check()
    page.get_by_role("button", name="Screen patient").first.click()
    page.wait_for_function(
        "expected => (document.querySelector('.meso-decision')?.innerText ?? '').includes('Decision: ' + expected)",
        arg=expected,
    )
    decision.scroll_into_view_if_needed()
    shot(page, f"{prefix}-2-decision")
    assert decision.inner_text().startswith(f"Decision: {expected}")
    assert expected == "decline"


def test_lab_screening_and_quiz(page, lab):
    page.goto(lab(notebook_name("07")))
    run_until(page, "() => !!document.querySelector('.meso-decision')")
    screen_pregnant_patient(page, "lab-07")

    item = load_bank("07").items[0]
    assert item.type == "single_choice"
    right = next(o for o in item.options if o.id == item.answer)
    wrong = next(o for o in item.options if o.id != item.answer)
    quiz = page.locator(".widget-vbox", has=page.get_by_text(item.stem[:40])).last
    feedback = quiz.locator(".meso-quiz-feedback")
    for option, name in ((wrong, "3-quiz-wrong"), (right, "4-quiz-right")):
        quiz.get_by_role("radio", name=option.text, exact=True).check()
        quiz.get_by_role("button", name="Check").click()
        page.wait_for_function(
            "([el, text]) => el.innerText.includes(text)",
            arg=[feedback.element_handle(), option.feedback.split("\n")[0][:30]],
        )
        feedback.scroll_into_view_if_needed()
        shot(page, f"lab-07-{name}")
    assert right.feedback.split("\n")[0][:30] in feedback.inner_text()
    # what the notebook shows is ours; JupyterLab's own chrome (menus, editors, panels) is listed, not counted
    audit(page, "lab-07-after-screening-and-quiz", ours=OURS_IN_LAB).check()


# every code cell has run, and no widget is still loading (textContent: JupyterLab skips rendering
# cells scrolled out of view, whose innerText is then empty)
ALL_RAN = """() => {
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
  const outputs = [...document.querySelectorAll('.jp-OutputArea-output')];
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent))
    && !outputs.some(o => /Loading widget/.test(o.textContent));
}"""
AUDITED_ELSEWHERE = {"04", "07"}  # audited after their scenario tests above and below


@pytest.mark.parametrize("module", sorted({path.name[:2]
                                           for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")} - AUDITED_ELSEWHERE))
def test_lab_module_passes_axe_after_run_all(page, lab, module):
    """Each other teaching module, run whole in JupyterLab: no critical or serious finding in what it shows.
    Module 00 runs with one attempt recorded, so its progress plot (with its alt text) is shown."""
    from course.progress import AttemptStore

    if module == "00":
        AttemptStore(lab.home / "attempts.json").record("07", "screening-01", "screening", True, 1.0)
    page.goto(lab(notebook_name(module)))
    run_until(page, ALL_RAN)
    shot(page, f"lab-{module}-run-all")
    if module == "00":
        alt = page.locator(".jp-OutputArea-output img[alt^='Quiz progress, modules: 1 of']")
        assert alt.count() == 1, "module 00 shows its progress plot with alt text"
    audit(page, f"lab-{module}-run-all", ours=OURS_IN_LAB).check()


def test_lab_depth_angle_changes_tip_depth(page, lab):
    from course.widgets.depth_explorer import DepthExplorer

    explorer = DepthExplorer()
    length, angle, step = explorer.needle_length.value, explorer.angle.value, explorer.angle.step
    page.goto(lab(notebook_name("04")))
    before = f"Tip depth: {tip_depth_mm(length, angle):.2f} mm"
    run_until(page, "t => (document.querySelector('.meso-tip-depth')?.innerText ?? '').includes(t)", before)
    readout = page.locator(".meso-tip-depth").first
    readout.scroll_into_view_if_needed()
    shot(page, "lab-04-1-depth-explorer")
    page.get_by_role("spinbutton", name="Needle angle").first.focus()
    page.keyboard.press("ArrowUp")  # a number box steps by its step, as a slider's arrow key did
    after = f"Tip depth: {tip_depth_mm(length, angle + step):.2f} mm"
    page.wait_for_function("t => (document.querySelector('.meso-tip-depth')?.innerText ?? '').includes(t)", arg=after)
    shot(page, "lab-04-2-angle-moved")
    assert before != after
    audit(page, "lab-04-after-moving-the-angle", ours=OURS_IN_LAB).check()


def test_voila_screening(page, voila):
    page.goto(voila(notebook_name("07")))
    screen_pregnant_patient(page, "voila-07")
    assert page.get_by_text("import IntakeForm").filter(visible=True).count() == 0  # no code shown
