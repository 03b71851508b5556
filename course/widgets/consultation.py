"""Module 09: a consultation checklist.

After a (synthetic) consultation the trainee ticks what they told the patient and
what they recorded; "Check" lists what is missing from the knowledge base's
``consultation`` lists, with sources.
"""

from __future__ import annotations

import ipywidgets as widgets

from course import knowledge
from course.knowledge import schema
from course.widgets import render
from course.widgets.base import View


def _boxes(facts: tuple[schema.Fact, ...]) -> list[widgets.Checkbox]:
    return [widgets.Checkbox(description=fact.text, indent=False, layout=widgets.Layout(width="auto"))
            for fact in facts]


class ConsultationChecklist(View):
    """Tick what was told and recorded; "Check" names what is missing."""

    def __init__(self) -> None:
        consultation = knowledge.load().consultation
        self.facts = consultation.tell_the_patient + consultation.record  # in the order of the boxes
        self.told = _boxes(consultation.tell_the_patient)
        self.recorded = _boxes(consultation.record)
        self.check_button = widgets.Button(description="Check", icon="check")
        self.feedback = widgets.HTML()
        self.missing: list[schema.Fact] = []
        self.check_button.on_click(self.check)
        self.root = widgets.VBox([
            widgets.HTML("<b>I told the patient about</b>"), *self.told,
            widgets.HTML("<b>My record contains</b>"), *self.recorded, self.check_button, self.feedback,
        ])

    def check(self, _button: object = None) -> None:
        """List every item not ticked, with its sources."""
        self.missing = [fact for box, fact in zip(self.told + self.recorded, self.facts) if not box.value]
        total = len(self.facts)
        if not self.missing:
            self.feedback.value = render.live(render.box(f"✓ All {total} items covered.", "#eaf6ea"))
            return
        self.feedback.value = render.live(render.box(
            f"<p>✗ {total - len(self.missing)} of {total} items covered. Missing:</p>{render.fact_list(self.missing)}",
            "#fdecea"))
