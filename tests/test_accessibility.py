"""Accessibility of what trainees use, in headless Chromium (WCAG 2.1 AA, axe-core).

Every Voilà app is audited after it renders and again after one interaction;
module 07 is completed with the keyboard alone: the intake form screened and a
quiz item answered, focus visible at every step, the decision and the feedback
announced in a live region next to the control. One Voilà server serves all of
them (the ``voila`` fixture). The static pages (report, feedback, certificate) are
audited in ``test_demo.py`` on the demo's own output; module 07 in JupyterLab in
``test_browser.py``.
"""

from __future__ import annotations

import os

import pytest
from a11y_support import audit
from browser_support import chromium_path, shot

from course.apps import APPS, REVIEW

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if chromium_path() is None:
    if os.environ.get("CI"):
        pytest.fail("CI: chromium is not installed (.ci/system-packages should install it)", pytrace=False)
    pytest.skip("no chromium installed: `apt-get install chromium` to run the browser tests", allow_module_level=True)


def app_name(app: str) -> str:
    from course.apps import app_folder  # noqa: F401  (the names are the notebooks')
    from course.paths import NOTEBOOKS

    return "review.ipynb" if app == REVIEW else next(NOTEBOOKS.glob(f"{app}_*.ipynb")).name


def rendered(page) -> None:
    """Wait until Voilà has run every cell: the last widget of each app is on the page."""
    last = ".widget-button" if page.url.endswith("review.ipynb") else ".meso-quiz-feedback"
    page.locator(last).first.wait_for(state="attached")
    page.wait_for_load_state("networkidle")


def interact(page, app: str) -> None:
    """One interaction per app, the one its scenario is about."""
    if app == "03":
        page.get_by_role("listbox", name="Ingredients").first.select_option(index=0)
    elif app == "04":
        page.get_by_role("spinbutton", name="Needle angle").first.focus()
        page.keyboard.press("ArrowUp")
        page.wait_for_function("() => /Tip depth: 2\\.87 mm/.test(document.querySelector('.meso-tip-depth')?.innerText)")
    elif app == "06":
        page.get_by_role("combobox", name="Protocol").first.select_option(index=1)
    elif app == "07":
        page.get_by_role("checkbox", name="Pregnant", exact=True).first.check()
        page.get_by_role("button", name="Screen patient").first.click()
        page.wait_for_function("() => /Decision: decline/.test(document.querySelector('.meso-decision')?.innerText)")
    elif app == "08":
        page.get_by_role("button", name="urgent", exact=True).first.click()
        page.locator(".meso-triage").get_by_role("button", name="Check").first.click()
    else:
        page.get_by_role("button", name="Practise more").first.click()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # the kernel's reply redraws the views


@pytest.mark.parametrize("app", APPS)
def test_voila_app_passes_axe_before_and_after_an_interaction(page, voila, app):
    page.goto(voila(app_name(app)))
    rendered(page)
    shot(page, f"a11y-{app}-rendered")
    before = audit(page, f"voila-{app}-rendered")
    interact(page, app)
    shot(page, f"a11y-{app}-after")
    after = audit(page, f"voila-{app}-after-interaction")
    before.check()
    after.check()
