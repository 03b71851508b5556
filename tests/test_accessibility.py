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

import pytest
from a11y_support import audit
from browser_support import shot
from prerequisites import chromium_missing, require

from course.apps import APPS, REVIEW

pytestmark = [pytest.mark.browser, pytest.mark.slow]

require(chromium_missing(), module=True)


def app_name(app: str) -> str:
    from course.paths import NOTEBOOKS

    return "review.ipynb" if app == REVIEW else next(NOTEBOOKS.glob(f"{app}_*.ipynb")).name


def rendered(page) -> None:
    """Wait until Voilà has run every cell: the last widget of each app is on the page."""
    last = ".meso-review" if page.url.endswith("review.ipynb") else ".meso-quiz-feedback"
    page.locator(last).first.wait_for(state="attached")
    page.wait_for_load_state("networkidle")


def interact(page, app: str) -> None:
    """One interaction per app, the one its scenario is about."""
    if app == "03":
        page.get_by_role("listbox", name="Ingredients").first.select_option(index=0)
    elif app == "04":
        from course.depth import tip_depth_mm
        from course.widgets.depth_explorer import DepthExplorer

        explorer = DepthExplorer()
        steeper = tip_depth_mm(explorer.needle_length.value, explorer.angle.value + explorer.angle.step)
        after = f"Tip depth: {steeper:.2f} mm"
        page.get_by_role("spinbutton", name="Needle angle").first.focus()
        page.keyboard.press("ArrowUp")
        page.wait_for_function("t => document.querySelector('.meso-tip-depth')?.innerText.includes(t)", arg=after)
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


# --- keyboard only ---------------------------------------------------------------
# The focused element, its accessible label, and whether its focus is drawn (an outline or a shadow).
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {label: '', tag: 'body', visible: false};
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const label = ((el.labels && el.labels[0]) ? el.labels[0].innerText
                 : el.innerText || el.getAttribute('aria-label') || '').trim();
  return {label, tag: el.tagName.toLowerCase(), type: el.type || '', visible: !!(outline || shadow),
          checked: !!el.checked, html: el.outerHTML.slice(0, 160)};
}"""


class Keyboard:
    """Moves the focus with Tab and Shift+Tab only, checking at every stop that the focus is drawn."""

    def __init__(self, page) -> None:
        self.page, self.stops = page, 0

    def focus(self) -> dict:
        return self.page.evaluate(FOCUS)

    def press(self, key: str) -> dict:
        self.page.keyboard.press(key)
        focused = self.focus()
        if key in ("Tab", "Shift+Tab"):
            self.stops += 1
            assert focused["tag"] != "body", f"{key} left the page after {self.stops} stops"
            assert focused["visible"], f"focus not visible on {focused['html']}"
        return focused

    def tab_to(self, label: str, tag: str | None = None, backwards: bool = False, limit: int = 400) -> dict:
        """Tab (or Shift+Tab) until the focused control is labelled ``label``."""
        for _ in range(limit):
            focused = self.press("Shift+Tab" if backwards else "Tab")
            if focused["label"] == label and (tag is None or focused["tag"] == tag):
                return focused
        raise AssertionError(f"no control labelled {label!r} within {limit} Tab presses")


def test_keyboard_only_screening_in_voila(page, voila):
    """Fill the intake form, screen the patient and read the decision, with the keyboard alone."""
    from course import knowledge
    from course.screening import screen
    from course.widgets.patient import days_label, ingredient_options
    from course.widgets.screening_intake import decision_text

    kb = knowledge.load()
    nsaid = next(m for m in kb.screening.medications if m.id == "nsaid")
    first_id = ingredient_options()[0][1]
    patient = {"allergies": [first_id], "medications": [{"id": "nsaid", "days_since_last_dose": 5,
                                                         "prescribed": False}]}
    expected = decision_text(screen(patient, [first_id]))

    page.goto(voila(app_name("07")))
    rendered(page)
    keys = Keyboard(page)
    keys.tab_to("Allergies", "select")
    keys.press("ArrowDown")  # a list box: the arrow selects its first option
    keys.tab_to(nsaid.name, "input")
    assert keys.press("Space")["checked"]
    days = keys.press("Tab")
    assert days["label"] == days_label(nsaid.name)  # the box names its medication
    keys.press("Backspace")
    keys.press("5")
    keys.tab_to("Planned cocktail", "select")
    keys.press("ArrowDown")
    keys.tab_to("Screen patient", "button")
    shot(page, "keyboard-07-1-filled")
    keys.press("Enter")
    page.wait_for_function("t => document.querySelector('.meso-decision')?.innerText.includes(t)", arg=expected)
    shot(page, "keyboard-07-2-decision")
    assert keys.focus()["label"] == "Screen patient"  # the focus stays on the button; the decision follows it
    decision = page.locator(".meso-decision").first
    assert decision.locator('[role="status"][aria-live="polite"]').inner_text().startswith(expected)
    assert page.evaluate("() => document.activeElement.nextElementSibling.classList.contains('meso-decision')")


def test_keyboard_only_quiz_in_voila(page, voila):
    """Answer module 07's first quiz item with the keyboard alone and hear the feedback."""
    from course.quiz import load_bank

    item = load_bank("07").items[0]
    right = next(o for o in item.options if o.id == item.answer)
    page.goto(voila(app_name("07")))
    rendered(page)
    keys = Keyboard(page)
    keys.tab_to(right.text, "input")
    assert keys.press("Space")["checked"]
    keys.tab_to("Check", "button")
    assert keys.press("Shift+Tab")["tag"] == "input"  # back to the options, then forward again
    keys.tab_to("Check", "button")
    keys.press("Enter")
    quiz = page.locator(".widget-vbox", has=page.get_by_text(item.stem[:40])).last
    feedback = quiz.locator(".meso-quiz-feedback [role='status'][aria-live='polite']")
    feedback.wait_for()
    page.wait_for_function("el => el.innerText.includes('Correct.')", arg=feedback.element_handle())
    shot(page, "keyboard-07-3-quiz")
    assert right.feedback.split("\n")[0][:30] in feedback.inner_text()
