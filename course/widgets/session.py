"""Module 05: a session from consultation to aftercare, one step at a time.

The steps and their order are the knowledge base's ``techniques.session_steps``;
the trainee predicts the next step before revealing it.
"""

from __future__ import annotations

from course import knowledge
from course.widgets import render
from course.widgets.base import StepReveal


def session_steps() -> list[tuple[str, str]]:
    """The session's steps as (heading, body) pairs, each body ending with a prompt."""
    steps = knowledge.load().techniques.session_steps
    prompt = "<p><i>What comes next? Say it, then press “Next step”.</i></p>"
    return [
        (f"Step {n} of {len(steps)}: {step.id.replace('_', ' ')}",
         f"<p>{render.fact_of(step)}</p>{prompt if n < len(steps) else ''}")
        for n, step in enumerate(steps, start=1)
    ]


class SessionWalkthrough(StepReveal):
    """The steps of a session, revealed in order."""

    def __init__(self) -> None:
        super().__init__(session_steps())
