"""Module 01: the seeds' contradictions, one question at a time.

Each source's position is shown first; the trainee weighs them, then reveals
what the course teaches (``kb.disputes``), with its own sources.
"""

from __future__ import annotations

import ipywidgets as widgets

from course import knowledge
from course.widgets import render
from course.widgets.base import WIDE, View


class DisputeExplorer(View):
    """Pick a disputed question, compare the sources, then reveal the verdict."""

    def __init__(self) -> None:
        disputes = knowledge.load().disputes.disputes
        self.disputes = {d.id: d for d in disputes}
        self.dispute = widgets.Dropdown(options=[(d.question, d.id) for d in disputes], description="Question",
                                        style=WIDE, layout=widgets.Layout(width="560px"))
        self.positions = widgets.HTML()
        self.reveal_button = widgets.Button(description="What does the course teach?", icon="eye",
                                            layout=widgets.Layout(width="auto"))
        self.verdict = widgets.HTML()
        self.dispute.observe(self.update, names="value")
        self.reveal_button.on_click(self.reveal)
        self.root = widgets.VBox([self.dispute, self.positions, self.reveal_button, self.verdict])
        self.update()

    def update(self, _change: object = None) -> None:
        """Show the chosen question's positions and hide the verdict."""
        self.positions.value = render.positions_table(self.disputes[self.dispute.value]) + (
            "<p><i>Which position would you defend to a patient, and on what evidence?</i></p>")
        self.verdict.value = ""

    def reveal(self, _button: object = None) -> None:
        self.verdict.value = render.verdict(self.disputes[self.dispute.value])
