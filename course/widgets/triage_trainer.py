"""Module 08: triage scenarios and the published outbreaks as case studies.

The triage of each reaction (expected, monitor, urgent), what each level asks
the practitioner to do and the outbreaks all come from
``kb.complications``; the widgets ask first and reveal the knowledge base's
answer with its sources.
"""

from __future__ import annotations

import ipywidgets as widgets

from course import knowledge
from course.knowledge import schema
from course.triage import window_text
from course.widgets import render
from course.widgets.base import WIDE, Gallery, View


def triage_html(reaction: schema.Reaction) -> str:
    """The reaction's triage level, when it holds, what that level asks for, and the sourced description."""
    level = {t.id: t for t in knowledge.load().complications.triage_levels}[reaction.triage]
    return (f"<p>Triage: <b>{render.text(reaction.triage)}</b> ({render.text(level.name)}), "
            f"{render.text(window_text(reaction))}: {render.text(level.text)}</p><p>{render.fact_of(reaction)}</p>")


class TriageTrainer(View):
    """A patient reports a reaction after a session: expected, monitor or urgent?

    Each reaction is offered with the days on which its level holds (the same redness is
    expected the day after a session and a warning sign weeks later).
    """

    def __init__(self) -> None:
        complications = knowledge.load().complications
        self.reactions = {r.id: r for r in complications.reactions}
        self.reaction = widgets.Dropdown(options=[(f"{r.name}, {window_text(r)}", r.id)
                                                  for r in complications.reactions],
                                         description="The patient reports", style=WIDE)
        self.guess = widgets.ToggleButtons(options=[(t.id, t.id) for t in complications.triage_levels], value=None,
                                           description="Your triage", style=WIDE)
        self.check_button = widgets.Button(description="Check", icon="check")
        self.feedback = widgets.HTML()
        self.correct: bool | None = None
        self.reaction.observe(self._reset, names="value")
        self.check_button.on_click(self.check)
        self.root = widgets.VBox([self.reaction, self.guess, self.check_button, self.feedback])
        self.root.add_class("meso-triage")

    def check(self, _button: object = None) -> None:
        """Compare the trainee's triage with the knowledge base's and explain."""
        if self.guess.value is None:
            self.correct, self.feedback.value = None, render.live("<p>Choose a triage level first.</p>")
            return
        reaction = self.reactions[self.reaction.value]
        self.correct = self.guess.value == reaction.triage
        verdict = "✓ Correct." if self.correct else f"✗ Not quite: you chose {render.text(self.guess.value)}."
        self.feedback.value = render.live(render.box(f"<p><b>{verdict}</b></p>{triage_html(reaction)}",
                                                     "#eaf6ea" if self.correct else "#fdecea"))

    def _reset(self, _change: object) -> None:
        self.guess.value, self.correct, self.feedback.value = None, None, ""


def outbreak_steps(outbreak: schema.Outbreak) -> list[tuple[str, str]]:
    """An outbreak told in three steps: what happened, the cause, the lesson."""
    sources = f"{render.label(outbreak.label)} {render.citation(outbreak.sources)}"
    happened = render.table((), [
        ("Place", render.text(outbreak.place)), ("When", render.text(outbreak.years)),
        ("Cases", render.text(outbreak.cases)), ("Organism", render.text(outbreak.organism)),
    ])
    return [
        ("What happened", f"{happened}<p>{sources}</p><p><i>What could have caused it? "
                          "Think it through, then press “Next step”.</i></p>"),
        ("The cause", f"<p>{render.text(outbreak.cause)} {sources}</p>"),
        ("The lesson", f"<p>{render.text(outbreak.lesson)}</p>"),
    ]


class OutbreakStudies(Gallery):
    """The published outbreaks, each revealed step by step."""

    def __init__(self) -> None:
        outbreaks = {o.id: o for o in knowledge.load().complications.outbreaks}
        super().__init__("Outbreak", [(f"{o.place}, {o.years}", o.id) for o in outbreaks.values()],
                         lambda outbreak_id: outbreak_steps(outbreaks[outbreak_id]))
