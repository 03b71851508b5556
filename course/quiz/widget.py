"""The quiz as ipywidgets: a thin view that reads controls, calls ``mark`` and records.

Each item gets the control its type needs, a Check button and a feedback area;
the quiz keeps a running score (each item counts by its latest check). Every
check is recorded in an :class:`~course.progress.AttemptStore`. Controls are
attributes (``quiz.views[0].control``, ``.check``, ``.feedback``), so tests and
notebooks can drive the quiz in plain Python: set ``.value``, call ``.click()``.
"""

from __future__ import annotations

import html
import math
from typing import Any

import ipywidgets as widgets

from course.progress import AttemptsError, AttemptStore
from course.widgets.base import focus_style

from .bank import Bank, Item
from .loading import load_bank, sources_note
from .marking import NO_ANSWER, Marked, draw, mark

FULL_WIDTH = widgets.Layout(width="95%")
ANSWER = "Your answer"  # the label a screen reader reads for each item's control (the stem is just above)
LABEL = {"description_width": "initial"}


def _choice_options(item: Item) -> list[tuple[str, str]]:
    return [(option.text, option.id) for option in item.options]


NOT_A_NUMBER = "Type a number, e.g. 2.5 (a decimal point or comma both work)."


def _number(text: str) -> float | None:
    """The number typed in a numeric answer box; None when it is empty; ValueError when it is not a number."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text!r}")
    return value


class ItemView:
    """One item: its control(s), a Check button, the feedback and the latest mark."""

    def __init__(self, item: Item, number: int, on_check: Any) -> None:
        self.item = item
        self.result: Marked | None = None
        self.checkboxes: dict[str, widgets.Checkbox] = {}
        self.positions: list[widgets.Dropdown] = []
        self.number: widgets.Text | None = None
        self.control = self._control(item)
        self.check = widgets.Button(description="Check", button_style="primary")
        self.feedback = widgets.HTML()
        self.feedback.add_class("meso-quiz-feedback")  # a stable hook for browser tests
        self.check.on_click(lambda _: on_check(self))
        heading = widgets.HTML(
            f"<b>{number}.</b> {html.escape(item.stem)} "
            f"<small>({html.escape(item.competency)}, {item.difficulty})</small>"
        )
        self.box = widgets.VBox([heading, self.control, self.check, self.feedback])

    def _control(self, item: Item) -> widgets.Widget:
        if item.type == "single_choice":
            return widgets.RadioButtons(options=_choice_options(item), value=None, description=ANSWER, style=LABEL,
                                        layout=FULL_WIDTH)
        if item.type == "true_false":
            return widgets.ToggleButtons(options=[("True", True), ("False", False)], value=None, description=ANSWER,
                                         style=LABEL)
        if item.type == "numeric":
            # a text box, not a number box: it starts empty ("not answered"), not at 0
            self.number = widgets.Text(value="", placeholder="a number", description=ANSWER, style=LABEL,
                                       layout=widgets.Layout(width="16em"))
            return widgets.HBox([self.number, widgets.Label(item.unit or "")])
        if item.type == "multiple_choice":
            self.checkboxes = {
                option.id: widgets.Checkbox(description=option.text, value=False, indent=False, layout=FULL_WIDTH)
                for option in item.options
            }
            return widgets.VBox(list(self.checkboxes.values()))
        # ordering: one dropdown per position, starting in the (shuffled) order of the file
        self.positions = [
            widgets.Dropdown(options=_choice_options(item), value=option.id, description=f"Position {n}", style=LABEL,
                             layout=FULL_WIDTH)
            for n, option in enumerate(item.options, start=1)
        ]
        return widgets.VBox(self.positions)

    def response(self) -> Any:
        """The trainee's answer as ``mark`` takes it."""
        kind = self.item.type
        if kind == "numeric":
            return _number(self.number.value)  # type: ignore[union-attr]
        if kind == "multiple_choice":
            return [option_id for option_id, box in self.checkboxes.items() if box.value]
        if kind == "ordering":
            return [dropdown.value for dropdown in self.positions]
        return self.control.value

    def show(self, result: Marked, note: str = "") -> None:
        """The feedback under the Check button, in a live region (a screen reader reads it out);
        right or wrong is said in words and a symbol, not only by its colour."""
        self.result = result
        colour, symbol = ("#2e7d32", "✓") if result.correct else ("#c62828", "✗")
        body = html.escape(result.feedback).replace("\n", "<br>")
        extra = f"<br><i>{html.escape(note)}</i>" if note else ""
        self.feedback.value = (f'<div role="status" aria-live="polite"><div style="color:{colour}">'
                               f'<span aria-hidden="true">{symbol} </span>{body}</div>{extra}</div>')


class QuizWidget(widgets.VBox):
    """A bank (or a seeded draw from it) as widgets with immediate feedback and a score."""

    def __init__(
        self, module_or_bank: str | Bank, n: int | None = None, seed: int | None = None,
        store: AttemptStore | None = None,
    ) -> None:
        self.bank = module_or_bank if isinstance(module_or_bank, Bank) else load_bank(module_or_bank)
        self.store = store if store is not None else AttemptStore()
        self.views = [ItemView(item, number, self._on_check) for number, item in enumerate(draw(self.bank, n, seed), 1)]
        self.score = widgets.HTML()
        self._update_score()
        title = widgets.HTML(f"<h3>Self-check: {html.escape(self.bank.title)}</h3>")
        footer = widgets.HTML(f"<small>{html.escape(sources_note(self.bank))}</small>")
        super().__init__([focus_style(), title, *(view.box for view in self.views), self.score, footer])

    @property
    def points(self) -> float:
        """Sum of the latest scores of the checked items."""
        return sum(view.result.score for view in self.views if view.result is not None)

    def _on_check(self, view: ItemView) -> None:
        try:
            response = view.response()
        except ValueError:  # a numeric answer that is not a number: nothing to mark or record
            view.show(Marked(False, 0.0, NOT_A_NUMBER))
            return
        result = mark(view.item, response)
        note = ""
        if result.feedback != NO_ANSWER:  # nothing to record
            try:
                self.store.record(self.bank.module, view.item.id, view.item.competency, result.correct, result.score)
            except (AttemptsError, OSError) as error:
                note = f"Your answer was marked but not recorded: {error}"
        view.show(result, note)
        self._update_score()

    def _update_score(self) -> None:
        checked = sum(view.result is not None for view in self.views)
        total = len(self.views)
        self.score.value = f"<b>Score: {round(self.points, 2):g} / {total}</b> ({checked} of {total} checked)"


def show(module: str, n: int | None = None, seed: int | None = None, store: AttemptStore | None = None) -> None:
    """Display the quiz of ``module``. It returns nothing, so that as a cell's last
    line the quiz is shown once (a returned widget would be displayed a second time)."""
    from IPython.display import display

    display(QuizWidget(module, n=n, seed=seed, store=store))
