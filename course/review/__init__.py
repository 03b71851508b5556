"""Spaced review: every checked quiz answer schedules that item's next review (FSRS),
and engine-generated items give endless fresh practice.

- :mod:`.cards`: each item's FSRS card, replayed from the attempts file (the single record).
- :mod:`.due`: which items are due, per item, module and competency.
- :mod:`.merge`: merge an attempts file from another machine, losing no review.
- :mod:`.retention`: predicted retention per competency, now and at a later date.
- :mod:`.templates` and :mod:`.generators`: generated items whose answers the engines compute.
- :mod:`.widget`: ``review()``, the due items one after another (ipywidgets, loaded on use).
"""

from __future__ import annotations

from typing import Any

from .cards import DEFAULT_RETENTION, ItemCard, rating, replay, retrievability, scheduler
from .due import Due, due, due_for, due_table, set_target_retention
from .merge import merge

__all__ = [
    "DEFAULT_RETENTION", "Due", "ItemCard", "due", "due_for", "due_table", "merge", "rating", "replay",
    "retrievability", "review", "scheduler", "set_target_retention", "show_due",
]


def __getattr__(name: str) -> Any:
    if name in ("review", "ReviewWidget", "show_due"):
        from . import widget

        return getattr(widget, name)
    raise AttributeError(f"module 'course.review' has no attribute '{name}'")
