"""The review widget driven in plain Python: due bank items and generated items, one
after another, marked with the quiz's feedback plus the engine's explanation and sources,
recorded with the time taken so that reviews reschedule and count toward progress."""

from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone

import pytest
from IPython.display import Markdown

from course import knowledge
from course.progress import AttemptStore, summary
from course.review import due_for
from course.review.widget import ReviewWidget, due_outputs

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _answer(view, right: bool) -> None:
    """Put the right (or a wrong) answer into the view's control."""
    item = view.item
    if item.type == "numeric":
        view.number.value = str(item.answer if right else item.answer + 1)
    elif item.type == "multiple_choice":
        wrong = next(o.id for o in item.options if o.id not in item.answer)
        for option_id, box in view.checkboxes.items():
            box.value = (option_id in item.answer) if right else option_id == wrong
    elif item.type == "true_false":
        view.control.value = item.answer if right else not item.answer
    else:
        view.control.value = item.answer if right else next(o.id for o in item.options if o.id != item.answer)


@pytest.fixture
def store(tmp_path):
    store = AttemptStore(tmp_path / "attempts.json")
    store.record("04", "depth-01", "depth", False, 0.0, at=T0)
    return store


def test_due_bank_item_comes_first_and_its_review_is_recorded_and_rescheduled(store):
    now = T0 + timedelta(minutes=30)
    widget = ReviewWidget(store, clock=lambda: now, seed=3)
    assert "1 item(s) due for review now (module 04: 1)" in widget.status.value
    assert widget.entry.item.id == "depth-01" and widget.next.disabled
    _answer(widget.view, True)
    widget.view.check.click()
    assert "Correct." in widget.view.feedback.value and "Sources:" in widget.view.feedback.value
    latest = store.attempts()[-1]
    assert (latest.item_id, latest.correct, latest.at) == ("depth-01", True, now.isoformat(timespec="seconds"))
    assert latest.seconds is not None and latest.seconds >= 0
    widget.view.check.click()  # checking again shows feedback but is not a second review
    assert len(store.attempts()) == 2
    assert "depth-01" not in due_for(store, now + timedelta(seconds=1)).ids
    assert not widget.next.disabled
    widget.next.click()
    assert widget.entry.generated is not None  # then the generated items never practised


@pytest.mark.parametrize("right", [True, False])
def test_generated_items_are_marked_with_the_engines_explanation_and_count_toward_progress(tmp_path, right):
    store = AttemptStore(tmp_path / "attempts.json")
    widget = ReviewWidget(store, clock=lambda: T0, seed=7)
    seen = set()
    while widget.entry is not None:
        entry, view = widget.entry, widget.view
        _answer(view, right)
        view.check.click()
        feedback = view.feedback.value
        assert ("Correct." in feedback) is right and ("Not quite." in feedback) is not right
        assert html.escape(entry.generated.explanation) in feedback  # the engine's own explanation
        assert html.escape(knowledge.load().cite(entry.item.sources)) in feedback
        seen.add(entry.item.id)
        widget.next.click()
    assert len(seen) >= 10 and all(item_id.startswith("gen-") for item_id in seen)
    recorded = {a.item_id: a for a in store.attempts()}
    assert set(recorded) == seen and all(a.correct is right for a in recorded.values())
    table = summary(store).set_index(["level", "id"])
    assert table.loc[("competency", "screening"), "items_attempted"] == 3
    assert table.loc[("module", "04"), "items_attempted"] == 3
    widget.practise.click()  # nothing more due: endless fresh practice
    assert widget.entry is not None and widget.entry.generated is not None


def test_due_view_for_no_reviews_reviews_and_a_corrupt_file(tmp_path, store):
    (empty,) = due_outputs(AttemptStore(tmp_path / "none.json"))
    assert isinstance(empty, Markdown) and "Nothing to review yet" in empty.data
    message, table = due_outputs(store, clock=lambda: T0 + timedelta(hours=1))
    assert "1 item(s) due" in message.data
    rows = table.set_index(["level", "id"])
    assert rows.loc[("module", "04"), "due_now"] == 1 and rows.loc[("competency", "depth"), "reviewed_items"] == 1
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    (error,) = due_outputs(AttemptStore(broken))
    assert "could not be read" in error.data
    assert "could not be read" in ReviewWidget(AttemptStore(broken)).status.value
