"""Merge a trainee's attempts file from another machine into this one, losing no review.

Every attempt of the other file that is not already recorded (all fields equal) is
appended under the attempts file's lock; the other file is only read. Because cards
are replayed from all attempts in time order, the merged reviews schedule as if they
had been recorded here. A setting stored only in the other file is kept.
"""

from __future__ import annotations

from pathlib import Path

from course.progress import AttemptStore


def merge(into: AttemptStore | Path | str, other: AttemptStore | Path | str) -> int:
    """Add ``other``'s attempts to ``into``; returns how many were new."""
    target = into if isinstance(into, AttemptStore) else AttemptStore(into)
    source = other if isinstance(other, AttemptStore) else AttemptStore(other)
    attempts, settings = source.read()  # raises AttemptsError naming a bad file before anything is written
    before = len(target.attempts())
    after = len(target.add(attempts, unique=True))
    mine = target.settings()
    for name, value in settings.items():
        if name not in mine:
            target.set(name, value)
    return after - before
