"""Every control a trainee can operate has a name a screen reader reads, in every
widget the scenario modules build: each scenario view of ``course.widgets`` (found
by walking the package, so a new view is covered without editing this test), every
quiz bank's items, and the spaced review with generated items.

ipywidgets turns ``description`` into the ``<label>`` of the input (or the text of a
checkbox or button); a button that shows only an icon has no name at all. What the
views display as HTML is checked too: images carry alt text, tables header cells.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections import Counter
from datetime import datetime, timezone

import ipywidgets as widgets
import pytest

import course.widgets
from course.progress import AttemptStore
from course.quiz import all_banks
from course.quiz.widget import QuizWidget
from course.review.widget import ReviewWidget
from course.widgets.base import View

# what a trainee reads or looks at, not operates
DISPLAY = (widgets.HTML, widgets.HTMLMath, widgets.Label, widgets.Image, widgets.Valid, widgets.Output,
           widgets.IntProgress, widgets.FloatProgress, widgets.Box)


def walk(root: widgets.Widget):
    yield root
    for child in getattr(root, "children", ()):
        yield from walk(child)


def problems(root: widgets.Widget, where: str) -> list[str]:
    """Unlabelled controls, icon-only buttons, images without alt text and tables without header cells."""
    found = []
    for widget in walk(root):
        name = f"{where}: {type(widget).__name__}"
        if isinstance(widget, widgets.HTML):
            value = widget.value
            found += [f"{name} shows an image without alt text: {tag[:80]}"
                      for tag in re.findall(r"<img\b[^>]*>", value) if not re.search(r'\balt="[^"]+"', tag)]
            found += [f"{name} shows a table without header cells"
                      for table in re.findall(r"<table\b.*?</table>", value, re.S)
                      if "<th" not in table]
        if isinstance(widget, DISPLAY) or not isinstance(widget, widgets.DOMWidget):
            continue
        if not str(getattr(widget, "description", "")).strip():
            icon = f" (icon {widget.icon!r} only)" if getattr(widget, "icon", "") else ""
            found.append(f"{name} has no label{icon}: options {getattr(widget, '_options_labels', ())[:3]}")
    return found


def shared_names(root: widgets.Widget, where: str) -> list[str]:
    """Inputs of one view whose accessible names (their descriptions) are the same: a screen
    reader user reaching them by Tab cannot tell them apart (buttons may repeat, e.g. "Check")."""
    inputs = [w for w in walk(root) if isinstance(w, widgets.ValueWidget) and not isinstance(w, DISPLAY)]
    counts = Counter(str(w.description).strip().casefold() for w in inputs if str(w.description).strip())
    return [f"{where}: {count} inputs named {name!r}" for name, count in counts.items() if count > 1]


def scenario_views() -> list[type[View]]:
    """Every View in course.widgets that can be built without arguments."""
    for module in pkgutil.iter_modules(course.widgets.__path__):
        importlib.import_module(f"course.widgets.{module.name}")
    found, pending = [], [View]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("course.widgets.") and all(
                    p.default is not p.empty for p in list(inspect.signature(sub).parameters.values())):
                found.append(sub)
    return found


def test_the_scenario_views_are_found():
    names = {view.__name__ for view in scenario_views()}
    assert {"IntakeForm", "CaseGallery", "DepthExplorer", "CocktailBuilder", "CoursePlanner", "ProtocolComparison",
            "TriageTrainer", "OutbreakStudies", "DisputeExplorer", "AreaExplorer", "SessionWalkthrough",
            "ConsultationChecklist", "PatientForm"} <= names


@pytest.mark.parametrize("view", scenario_views(), ids=lambda view: view.__name__)
def test_every_control_of_a_scenario_view_is_labelled(view):
    built = view()
    if hasattr(built, "add_patient"):  # the cocktail builder's patient form, shown
        built.add_patient.value = True
    if hasattr(built, "screen_button"):  # the intake form's result, shown
        built.pregnant.value = True
        built.screen_button.click()
    assert not problems(built.root, view.__name__)
    assert not shared_names(built.root, view.__name__)


@pytest.mark.parametrize("bank", all_banks(), ids=lambda bank: bank.module)
def test_every_quiz_item_is_labelled(bank, tmp_path):
    quiz = QuizWidget(bank, store=AttemptStore(tmp_path / "attempts.json"))
    for view in quiz.views:  # the feedback shown too
        view.check.click()
    assert not problems(quiz, f"quiz {bank.module}")


def test_the_review_and_its_generated_items_are_labelled(tmp_path):
    review = ReviewWidget(AttemptStore(tmp_path / "attempts.json"),
                          clock=lambda: datetime(2026, 3, 2, tzinfo=timezone.utc),
                          seed=1)
    seen = set()
    for _ in range(12):
        review.practise.click()
        seen.add(review.view.item.type)
        review.view.check.click()
        assert not problems(review, f"review ({review.view.item.type})")
    assert len(seen) >= 2


def test_the_walk_catches_an_unlabelled_input_and_an_icon_only_button():
    root = widgets.VBox([widgets.Text(), widgets.Button(icon="check"), widgets.Checkbox(description="fine"),
                         widgets.HTML('<img src="x.png"><table><tr><td>1</td></tr></table>')])
    found = problems(root, "probe")
    assert len(found) == 4 and "icon 'check' only" in found[1]


def test_the_walk_catches_two_inputs_with_the_same_name():
    root = widgets.VBox([widgets.Checkbox(description="Aspirin"), widgets.IntText(description="Days since last dose"),
                         widgets.Checkbox(description="Isotretinoin"),
                         widgets.IntText(description="Days since last dose"),
                         widgets.Button(description="Check"), widgets.Button(description="Check")])
    assert shared_names(root, "probe") == ["probe: 2 inputs named 'days since last dose'"]
