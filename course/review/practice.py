"""``practice("07")``: a fresh synthetic patient on demand, with instant feedback from the engines.

For the scenario modules whose questions the course can generate (06 scheduling,
07 screening; any module with generated templates in ``course/review/templates/``),
**New patient** draws a new item from that module's templates: a synthetic patient
whose right answer an engine computed (``course.review.generators``). **Check** marks
the answer with the quizzes' marking and shows the engine's explanation and the
sources. Practice is not graded and not recorded: the attempts file and spaced
review are untouched, so a trainee may ask for as many patients as they like.
"""

from __future__ import annotations

import html
import random

import ipywidgets as widgets

from course.quiz.marking import NO_ANSWER, Marked, mark
from course.quiz.widget import NOT_A_NUMBER, ItemView

from . import templates
from .queue import Entry, _generated
from .widget import explanation_html

NOT_RECORDED = "Practice: not graded and not recorded. Ask for as many new patients as you like."


def module_templates(module: str) -> tuple[templates.Template, ...]:
    """The generated-item templates of ``module``; ValueError naming the modules that have some."""
    found = tuple(t for t in templates.load() if t.module == module)
    if not found:
        having = sorted({t.module for t in templates.load()})
        raise ValueError(f"module {module} has no generated practice items (modules with some: {', '.join(having)})")
    return found


class PracticeWidget(widgets.VBox):
    """New patient -> an engine-answered item; Check -> its marking, explanation and sources."""

    def __init__(self, module: str, seed: int | None = None) -> None:
        self.module, self.pool = module, module_templates(module)
        self.rng = random.Random(seed)
        self.drawn = 0
        self.entry: Entry | None = None
        self.view: ItemView | None = None
        self.body = widgets.VBox()
        self.new = widgets.Button(description="New patient", button_style="info",
                                  tooltip="Draw a new synthetic patient to practise on")
        self.new.on_click(lambda _: self.next_patient())
        title = widgets.HTML(f"<h3>Practice with fresh patients (module {module})</h3>"
                             f"<p>{html.escape(NOT_RECORDED)}</p>")
        super().__init__([title, self.body, self.new])
        self.next_patient()

    def next_patient(self) -> None:
        self.drawn += 1
        self.entry = _generated(self.rng.choice(self.pool), self.rng)
        self.view = ItemView(self.entry.item, self.drawn, self._on_check)
        self.body.children = [self.view.box]

    def _on_check(self, view: ItemView) -> None:
        try:
            result = mark(view.item, view.response())
        except ValueError:
            view.show(Marked(False, 0.0, NOT_A_NUMBER))
            return
        view.show(result)
        if result.feedback != NO_ANSWER and self.entry is not None:
            view.feedback.value += explanation_html(self.entry)


def practice(module: str, seed: int | None = None) -> None:
    """Display the practice widget of ``module`` (returns nothing: shown once as a cell's last line)."""
    from IPython.display import display

    display(PracticeWidget(module, seed))
