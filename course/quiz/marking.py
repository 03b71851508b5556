"""Drawing items from a bank and marking a response: pure functions, no widgets.

Responses by item type:

- ``single_choice``: an option ID.
- ``multiple_choice``: the option IDs chosen (any iterable).
- ``true_false``: ``True`` or ``False``.
- ``numeric``: a number; right when within ``tolerance`` of the answer (boundary included).
- ``ordering``: the option IDs in the order given.

``None`` (or nothing chosen) is "no answer": wrong, score 0. Scores are in [0, 1]:

- multiple choice: (right options chosen - wrong options chosen) / right options,
  floored at 0, so ticking everything earns nothing; ``correct`` only for the exact set.
- ordering: the share of positions holding the right step; ``correct`` only when all do.
- every other type: 1 or 0.

The feedback quotes each relevant option's feedback so the trainee learns why.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from .bank import Bank, Item

NO_ANSWER = "No answer given yet."
# Absorbs float noise at the tolerance boundary (e.g. 2.1 - 2.0 > 0.1 in binary).
BOUNDARY_SLACK = 1e-9


@dataclass(frozen=True)
class Marked:
    correct: bool
    score: float
    feedback: str


def draw(bank: Bank, n: int | None = None, seed: int | None = None) -> list[Item]:
    """``n`` items of ``bank`` in random order, reproducible for a given ``seed``.

    With neither ``n`` nor ``seed`` the whole bank comes in file order (a notebook's
    default quiz); ``n=None`` with a seed shuffles the whole bank.
    """
    items = list(bank.items)
    if n is not None and not 1 <= n <= len(items):
        raise ValueError(f"n must be between 1 and {len(items)} (the bank's size), got {n}")
    if n is None and seed is None:
        return items
    return random.Random(seed).sample(items, n or len(items))


def _verdict(correct: bool) -> str:
    return "Correct." if correct else "Not quite."


def _mark_single(item: Item, response: Any) -> Marked:
    option = item.option(response)
    correct = option.id == item.answer
    return Marked(correct, float(correct), f"{_verdict(correct)} {option.feedback}")


def _mark_true_false(item: Item, response: Any) -> Marked:
    if not isinstance(response, bool):
        raise ValueError(f"item '{item.id}': a true/false response is True or False, got {response!r}")
    option = item.option(str(response).lower())
    correct = response == item.answer
    return Marked(correct, float(correct), f"{_verdict(correct)} {option.feedback}")


def _mark_multiple(item: Item, response: Iterable[str]) -> Marked:
    chosen = set(response)
    for option_id in chosen:
        item.option(option_id)  # unknown IDs are a programming error
    right = set(cast("tuple[str, ...]", item.answer))
    hits, false_picks = len(chosen & right), len(chosen - right)
    score = max(0.0, (hits - false_picks) / len(right))
    correct = chosen == right
    lines = [f"{_verdict(correct)} {hits} of {len(right)} right options chosen, {false_picks} wrong."]
    for option in item.options:
        if option.id in chosen or option.id in right:
            mark = "✓" if (option.id in chosen) == (option.id in right) else "✗"
            missed = " (missed)" if option.id in right and option.id not in chosen else ""
            lines.append(f"{mark} {option.text}{missed}: {option.feedback}")
    return Marked(correct, score, "\n".join(lines))


def _mark_numeric(item: Item, response: Any) -> Marked:
    if isinstance(response, bool) or not isinstance(response, (int, float)) or not math.isfinite(response):
        raise ValueError(f"item '{item.id}': a numeric response is a finite number, got {response!r}")
    answer, tolerance = float(item.answer), float(item.tolerance or 0)  # type: ignore[arg-type]
    correct = abs(response - answer) <= tolerance + BOUNDARY_SLACK
    accepted = f"{answer:g} {item.unit}".strip() + (f" (± {tolerance:g})" if tolerance else "")
    text = item.feedback.right if correct else item.feedback.wrong  # type: ignore[union-attr]
    return Marked(correct, float(correct), f"{_verdict(correct)} {text} Expected: {accepted}.")


def _mark_ordering(item: Item, response: Sequence[str]) -> Marked:
    given, answer = list(response), list(cast("tuple[str, ...]", item.answer))
    if sorted(given) != sorted(answer):
        return Marked(False, 0.0, "Place every step exactly once, then check again.")
    in_place = sum(g == a for g, a in zip(given, answer))
    correct = in_place == len(answer)
    lines = [f"{_verdict(correct)} {in_place} of {len(answer)} in the right place. The order is:"]
    for position, option_id in enumerate(answer, start=1):
        option = item.option(option_id)
        lines.append(f"{position}. {option.text}: {option.feedback}")
    return Marked(correct, in_place / len(answer), "\n".join(lines))


MARKERS = {
    "single_choice": _mark_single,
    "true_false": _mark_true_false,
    "multiple_choice": _mark_multiple,
    "numeric": _mark_numeric,
    "ordering": _mark_ordering,
}


def _unanswered(response: Any) -> bool:
    return response is None or (isinstance(response, (list, tuple, set, frozenset)) and not response)


def mark(item: Item, response: Any) -> Marked:
    """Mark ``response`` to ``item``; see the module docstring for responses and scores."""
    if _unanswered(response):
        return Marked(False, 0.0, NO_ANSWER)
    return MARKERS[item.type](item, response)
