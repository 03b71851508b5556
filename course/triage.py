"""Triage of a reaction reported a given number of days after a session.

A reaction's triage level holds only in its time window (``days`` in
``course/knowledge/data/complications.yaml``): redness the day after a session is
expected, but anything at the injection sites that appears or persists a week or
more after a session is a warning sign, because atypical mycobacterial infections
appear 1-12 weeks after treatment. Graded items and quiz stems therefore state when
each reaction began or was reported, and :func:`triage_on` refuses a day outside the window instead
of keying an answer a careful clinician could dispute.
"""

from __future__ import annotations

from course import knowledge
from course.knowledge import schema


def reaction(reaction_id: str) -> schema.Reaction:
    """The knowledge base's reaction ``reaction_id``; ValueError naming it if unknown."""
    for entry in knowledge.load().complications.reactions:
        if entry.id == reaction_id:
            return entry
    raise ValueError(f"unknown reaction '{reaction_id}'")


def onset_text(day: int) -> str:
    """A day counted from the session, in words: "the day after the session", "3 weeks after the session"."""
    if day < 0:
        raise ValueError(f"a reaction begins on or after the day of the session, not {day} days before")
    if day == 0:
        return "on the day of the session"
    if day == 1:
        return "the day after the session"
    if day >= 14 and day % 7 == 0:
        return f"{day // 7} weeks after the session"
    return f"{day} days after the session"


def window_text(entry: schema.Reaction) -> str:
    """The days on which ``entry`` gets its triage level, in words."""
    first, last = entry.days
    if last is None:
        return "at any time after a session" if first == 0 else f"from {first} days after a session"
    if (first, last) == (0, 1):
        return "on the day of a session or the day after"
    if first == last:
        return onset_text(first).replace("the session", "a session")
    return f"{first} to {last} days after a session"


def triage_on(reaction_id: str, day: int) -> str:
    """The triage level of ``reaction_id`` reported ``day`` days after a session.

    Raises ValueError when ``day`` lies outside the reaction's window: the course then has
    no defensible single answer for it (or another reaction, such as a late one, applies).
    """
    entry = reaction(reaction_id)
    first, last = entry.days
    if day < first or (last is not None and day > last):
        raise ValueError(f"reaction '{reaction_id}' is {entry.triage} only {window_text(entry)}, "
                         f"not {onset_text(day)}: state a day in its window, or use the reaction that applies then")
    return entry.triage
