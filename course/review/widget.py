"""``review()``: the items due for review, one after another, as ipywidgets.

Each item is shown with the same control, marking and feedback as the module
quizzes (:class:`course.quiz.widget.ItemView`), then the engine's explanation for
a generated item, and the item's sources. The first check of each item is
recorded in the attempts file with the time it took, which reschedules its card.
When nothing more is due, **Practise more** draws fresh generated items without end.
Works in any notebook and in the Voila review app.
"""

from __future__ import annotations

import html
import random
import time
from collections.abc import Callable
from datetime import datetime, timezone

import ipywidgets as widgets

from course import knowledge
from course.progress import AttemptsError, AttemptStore
from course.quiz.marking import NO_ANSWER, Marked, mark
from course.quiz.widget import NOT_A_NUMBER, ItemView
from course.widgets.base import focus_style

from .due import Due, due_for, due_table
from .queue import Entry, due_entries, practice_entry

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _counts(found: Due) -> str:
    if not found.items:
        return "Nothing is due for review now."
    modules = ", ".join(f"module {m}: {n}" for m, n in sorted(found.by_module.items()))
    return f"{len(found.items)} item(s) due for review now ({modules})."


class ReviewWidget(widgets.VBox):
    """The due items one at a time: Check marks and records, Next moves on."""

    def __init__(self, store: AttemptStore | None = None, clock: Clock = utc_now, seed: int | None = None) -> None:
        self.store = store if store is not None else AttemptStore()
        self.clock, self.rng = clock, random.Random(seed)
        self.status, self.body = widgets.HTML(), widgets.VBox()
        self.next = widgets.Button(description="Next", disabled=True)
        self.practise = widgets.Button(description="Practise more")
        self.next.on_click(lambda _: self._advance())
        self.practise.on_click(lambda _: self._practise())
        self.view: ItemView | None = None
        self.entry: Entry | None = None
        self.shown_at = 0.0
        self.presented = 0
        self.recorded = False
        try:
            found = due_for(self.store, clock())
        except AttemptsError as error:
            self.queue = []
            self.status.value = f"<b>Your attempts file could not be read.</b> {html.escape(str(error))}"
        else:
            self.queue = due_entries(found, self.rng)
            new = len(self.queue) - len([e for e in self.queue if e.item.id in found.ids])
            fresh = f" {new} generated item(s) you have not practised yet follow." if new else ""
            self.status.value = html.escape(_counts(found) + fresh)
        title = widgets.HTML("<h2>Spaced review</h2>")
        super().__init__([focus_style(), title, self.status, self.body, widgets.HBox([self.next, self.practise])])
        self.add_class("meso-review")
        if self.queue or self.status.value.startswith("<b>Your attempts file") is False:
            self._advance()

    def _present(self, entry: Entry) -> None:
        self.presented += 1
        self.entry, self.recorded = entry, False
        self.view = ItemView(entry.item, self.presented, self._on_check)
        self.body.children = [self.view.box]
        self.next.disabled = True
        self.shown_at = time.monotonic()

    def _advance(self) -> None:
        if self.queue:
            self._present(self.queue.pop(0))
            return
        self.view = self.entry = None
        self.next.disabled = True
        self.body.children = [widgets.HTML(
            "<p>Nothing more is due today. <b>Practise more</b> draws fresh items computed by the course's "
            "engines; they count toward your progress too.</p>")]

    def _practise(self) -> None:
        self._present(practice_entry(self.rng))

    def _on_check(self, view: ItemView) -> None:
        try:
            response = view.response()
        except ValueError:
            view.show(Marked(False, 0.0, NOT_A_NUMBER))
            return
        result = mark(view.item, response)
        note = ""
        if result.feedback != NO_ANSWER and not self.recorded:  # the first real answer is the review
            note = self._record(result)
        view.show(result, note)
        if result.feedback != NO_ANSWER:
            view.feedback.value += self._explanation()
            self.next.disabled = False

    def _record(self, result: Marked) -> str:
        assert self.entry is not None
        item = self.entry.item
        try:
            self.store.record(self.entry.module, item.id, item.competency, result.correct, result.score,
                              at=self.clock(), seconds=time.monotonic() - self.shown_at)
        except (AttemptsError, OSError) as error:
            return f"Your answer was marked but not recorded: {error}"
        self.recorded = True
        return ""

    def _explanation(self) -> str:
        assert self.entry is not None
        return explanation_html(self.entry)


def explanation_html(entry: Entry) -> str:
    """A generated item's engine explanation (if any) and the item's sources, for the feedback."""
    parts = [f"<div>{html.escape(entry.explanation)}</div>"] if entry.explanation else []
    parts.append(f"<small>Sources: {html.escape(knowledge.load().cite(entry.item.sources))}</small>")
    return "".join(parts)


def review(store: AttemptStore | None = None, seed: int | None = None) -> None:
    """Display the review widget (returns nothing, so a cell's last line shows it once)."""
    from IPython.display import display

    display(ReviewWidget(store, seed=seed))


def due_outputs(store: AttemptStore | None = None, clock: Clock = utc_now) -> list[object]:
    """What module 00 shows under "Due today": a message, then the table per module and competency."""
    from IPython.display import Markdown

    store = store if store is not None else AttemptStore()
    try:
        found = due_for(store, clock())
    except AttemptsError as error:
        return [Markdown(f"**Your attempts file could not be read.** {error}")]
    if not found.reviewed:
        return [Markdown("Nothing to review yet: answer a quiz and its items come back here when they are due.")]
    return [Markdown(_counts(found)), due_table(found)]


def show_due(store: AttemptStore | None = None) -> None:
    """Display what is due today per module and competency (module 00)."""
    from IPython.display import display

    display(*due_outputs(store))
