"""Each item's FSRS memory card, replayed from the attempts file.

Nothing but the attempts file is stored: an item's card is the result of replaying
every checked answer to it, oldest first, through the ``fsrs`` package's
:class:`fsrs.Scheduler` (the scheduler Anki uses). So an attempts file merged
from another machine simply adds reviews to the replay, and a changed target
retention re-plans every interval. Fuzzing is off, so the same record always
gives the same schedule.

The rating of an answer (course policy, not a sourced figure): a wrong answer is
``Again`` (forgotten); a right one is ``Good``, or ``Easy`` when it took at most
:data:`FAST_SECONDS`, or ``Hard`` when it took :data:`SLOW_SECONDS` or more (only
when the time taken was recorded).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from fsrs import Card, Rating, Scheduler

from course.progress import Attempt

DEFAULT_RETENTION = 0.9
FAST_SECONDS = 15.0  # course policy: an answer recalled this fast was easy
SLOW_SECONDS = 90.0  # course policy: an answer that took this long was hard to recall


def rating(attempt: Attempt) -> Rating:
    """How well the answer was recalled, from right/wrong and the time taken if recorded."""
    if not attempt.correct:
        return Rating.Again
    if attempt.seconds is None:
        return Rating.Good
    if attempt.seconds <= FAST_SECONDS:
        return Rating.Easy
    return Rating.Hard if attempt.seconds >= SLOW_SECONDS else Rating.Good


def scheduler(target_retention: float = DEFAULT_RETENTION) -> Scheduler:
    """The FSRS scheduler with the default parameters, no fuzzing, at ``target_retention``."""
    return Scheduler(desired_retention=target_retention, enable_fuzzing=False)


def moment(text: str) -> datetime:
    """An attempt's ``at`` as an aware UTC date-time (a time without offset is taken as UTC)."""
    value = datetime.fromisoformat(text)
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


@dataclass(frozen=True)
class ItemCard:
    """An item's memory after its reviews: the FSRS card and where the item belongs."""

    item_id: str
    module: str
    competency: str
    card: Card
    reviews: int

    @property
    def due(self) -> datetime:
        return self.card.due


def card_id(item_id: str) -> int:
    """A stable card number for an item (fsrs would otherwise use the clock)."""
    return zlib.crc32(item_id.encode("utf-8"))


def replay(attempts: Iterable[Attempt], target_retention: float = DEFAULT_RETENTION) -> dict[str, ItemCard]:
    """Every reviewed item's card: its attempts reviewed in time order (ties keep file order)."""
    planner = scheduler(target_retention)
    found: dict[str, ItemCard] = {}
    for attempt in sorted(attempts, key=lambda a: moment(a.at)):
        before = found.get(attempt.item_id)
        card = before.card if before else Card(card_id=card_id(attempt.item_id))
        duration = None if attempt.seconds is None else int(attempt.seconds * 1000)
        card, _ = planner.review_card(card, rating(attempt), review_datetime=moment(attempt.at),
                                      review_duration=duration)
        found[attempt.item_id] = ItemCard(attempt.item_id, attempt.module, attempt.competency, card,
                                          (before.reviews if before else 0) + 1)
    return found


def retrievability(item: ItemCard, at: datetime, target_retention: float = DEFAULT_RETENTION) -> float:
    """FSRS's predicted probability of recalling the item at ``at``."""
    return float(scheduler(target_retention).get_card_retrievability(item.card, current_datetime=at))

