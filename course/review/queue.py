"""What the review widget presents, in order: the items due now (bank items and
generated templates mixed), then generated templates never practised, then, on
request, endless fresh generated items.

A due bank item is looked up in the quiz banks by its ID (an item since removed
from the banks is skipped); a due template draws a fresh item each time.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from course.quiz import all_banks
from course.quiz.bank import Item

from . import templates
from .due import Due
from .generators import Generated


@dataclass(frozen=True)
class Entry:
    """One item to present: the quiz item, its module, and the draw when it was generated."""

    item: Item
    module: str
    generated: Generated | None = None

    @property
    def explanation(self) -> str:
        return self.generated.explanation if self.generated else ""


def bank_items() -> dict[str, tuple[str, Item]]:
    """Every bank item by ID, with its module."""
    return {item.id: (bank.module, item) for bank in all_banks() for item in bank.items}


def _generated(template: templates.Template, rng: random.Random) -> Entry:
    drawn = template.draw(rng)
    return Entry(drawn.item, template.module, drawn)


def _interleave(first: list[Entry], second: list[Entry]) -> list[Entry]:
    pairs = itertools.zip_longest(first, second)
    return [entry for pair in pairs for entry in pair if entry is not None]


def due_entries(found: Due, rng: random.Random) -> list[Entry]:
    """The due items, earliest due first, bank and generated mixed; then templates never practised."""
    generators, bank = templates.by_id(), bank_items()
    due_bank = [Entry(bank[c.item_id][1], bank[c.item_id][0]) for c in found.items if c.item_id in bank]
    due_generated = [_generated(generators[c.item_id], rng) for c in found.items if c.item_id in generators]
    practised = {c.item_id for c in found.reviewed}
    new = [_generated(t, rng) for t in generators.values() if t.id not in practised]
    return _interleave(due_bank, due_generated) + new


def practice_entry(rng: random.Random) -> Entry:
    """One fresh generated item from a template chosen at random."""
    return _generated(rng.choice(templates.load()), rng)
