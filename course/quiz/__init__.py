"""Self-check quizzes: sourced item banks, marking, and an ipywidgets view.

- :func:`load_bank` / :func:`all_banks` read ``quizzes/NN_slug.yaml`` (or
  ``$MESOCOURSE_QUIZZES``) and validate each bank against its schema and the
  knowledge base: a bad bank raises :class:`QuizError` naming file, item and field.
- :func:`draw` picks a seeded random set of items; :func:`mark` marks a response
  (pure, no widgets).
- :class:`QuizWidget` / :func:`show` render a quiz with immediate feedback and a
  running score, recording each checked answer with :mod:`course.progress`.
- :func:`sources_note` lists a bank's sources for the end of a notebook.

ipywidgets is imported only when the widget is first used.
"""

from __future__ import annotations

from typing import Any

from .bank import Bank, Item, Option, QuizError
from .loading import all_banks, load_bank, quizzes_dir, sources_note
from .marking import Marked, draw, mark

__all__ = [
    "Bank", "Item", "Option", "QuizError", "Marked", "QuizWidget",
    "all_banks", "load_bank", "quizzes_dir", "sources_note", "draw", "mark", "show",
]


def __getattr__(name: str) -> Any:
    if name in ("QuizWidget", "show"):
        from . import widget

        return getattr(widget, name)
    raise AttributeError(f"module 'course.quiz' has no attribute '{name}'")
