"""Which items are due for review: per item, per module and per competency.

An item is due when its FSRS card's due time has come (see :mod:`course.review.cards`).
Only items the trainee has answered have a card; an item never answered is learned in
its module first, not reviewed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from course.progress import Attempt, AttemptStore

from .cards import DEFAULT_RETENTION, ItemCard, replay

if TYPE_CHECKING:
    import pandas


@dataclass(frozen=True)
class Due:
    """The items due at ``at`` (earliest first), counted per module and per competency."""

    at: datetime
    items: tuple[ItemCard, ...]
    reviewed: tuple[ItemCard, ...]

    @property
    def by_module(self) -> dict[str, int]:
        return dict(Counter(item.module for item in self.items))

    @property
    def by_competency(self) -> dict[str, int]:
        return dict(Counter(item.competency for item in self.items))

    @property
    def ids(self) -> list[str]:
        return [item.item_id for item in self.items]


def due(attempts: Iterable[Attempt], now: datetime | None = None, target_retention: float = DEFAULT_RETENTION) -> Due:
    """The items whose review is due at ``now`` (default: this instant, UTC)."""
    now = now or datetime.now(timezone.utc)
    cards = replay(attempts, target_retention)
    reviewed = tuple(sorted(cards.values(), key=lambda c: c.due))
    return Due(now, tuple(c for c in reviewed if c.due <= now), reviewed)


def set_target_retention(value: float, store: AttemptStore | None = None) -> None:
    """Store the trainee's target retention in their attempts file (0.7 to 0.99)."""
    (store if store is not None else AttemptStore()).set("target_retention", value)


def due_for(store: AttemptStore | None = None, now: datetime | None = None) -> Due:
    """:func:`due` for a trainee's attempts file, at their own target retention."""
    store = store if store is not None else AttemptStore()
    attempts, settings = store.read()
    return due(attempts, now, settings.get("target_retention", DEFAULT_RETENTION))


def due_table(found: Due) -> "pandas.DataFrame":
    """One row per module, then per competency, that has reviewed items: due now, reviewed, next due."""
    import pandas

    from course import knowledge

    names = {c.id: c.name for c in knowledge.load().competencies.values()}
    rows = []
    for level, key in (("module", "module"), ("competency", "competency")):
        groups: dict[str, list[ItemCard]] = {}
        for card in found.reviewed:
            groups.setdefault(getattr(card, key), []).append(card)
        for group, cards in sorted(groups.items()):
            waiting = [c for c in cards if c.due > found.at]
            rows.append({
                "level": level, "id": group,
                "name": names.get(group, group) if level == "competency" else f"Module {group}",
                "due_now": sum(c.due <= found.at for c in cards), "reviewed_items": len(cards),
                "next_due": min((c.due for c in waiting), default=None),
            })
    frame = pandas.DataFrame(rows, columns=["level", "id", "name", "due_now", "reviewed_items", "next_due"])
    frame["next_due"] = pandas.to_datetime(frame["next_due"], utc=True).dt.strftime("%Y-%m-%d %H:%M UTC")
    return frame
