"""What every generator shares: the drawn item, and building quiz items from engine answers.

A generator turns one draw of a template's parameters into a quiz
:class:`~course.quiz.Item` whose answer an engine computed and whose feedback
carries the engine's explanation. The item is then marked by the quiz's own
``mark``, so a generated item gets the same feedback as a bank item.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from course.quiz.bank import Item, NumericFeedback, Option

NONE_ID = "none"


class Ambiguous(ValueError):
    """A draw whose right answer is not one clear answer (the template is refused)."""


@dataclass(frozen=True)
class Generated:
    """One drawn item: its template, the parameters drawn, the quiz item built from them
    and the engine's explanation of the answer (shown after the trainee checks)."""

    template: str
    module: str
    parameters: Mapping[str, Any]
    item: Item
    explanation: str


Built = tuple[Item, str]  # what a generator returns: the item and the engine's explanation


@dataclass(frozen=True)
class Spec:
    """What a generator needs from its template besides the parameters."""

    id: str
    competency: str
    difficulty: str
    ask: str
    sources: tuple[str, ...]


def humanise(identifier: str) -> str:
    return identifier.replace("_", " ")


def sources(*groups: Iterable[str]) -> tuple[str, ...]:
    """Source IDs in first-cited order, without repeats."""
    return tuple(dict.fromkeys(s for group in groups for s in group))


def choice_item(spec: Spec, stem: str, options: list[tuple[str, str]], answer: str | tuple[str, ...],
                explanation: str, cited: Iterable[str]) -> Built:
    """A single- (``answer`` a string) or multiple-choice item, and the explanation."""
    ids = [option_id for option_id, _ in options]
    if len(set(ids)) != len(ids) or len({text for _, text in options}) != len(options):
        raise Ambiguous(f"two options are the same: {', '.join(text for _, text in options)}")
    right = {answer} if isinstance(answer, str) else set(answer)
    missing = right - set(ids)
    if missing:
        raise Ambiguous(f"the engine's answer {', '.join(sorted(missing))} is not among the options")
    built = []
    for option_id, text in options:
        verdict = "The engine's answer." if option_id in right else "Not the engine's answer."
        built.append(Option(id=option_id, text=text, feedback=verdict))
    return Item(
        id=spec.id, competency=spec.competency, difficulty=spec.difficulty,
        type="single_choice" if isinstance(answer, str) else "multiple_choice",
        stem=stem, options=tuple(built), answer=answer, sources=sources(cited, spec.sources),
    ), explanation


def numeric_item(spec: Spec, stem: str, answer: float, tolerance: float, unit: str,
                 explanation: str, cited: Iterable[str]) -> Built:
    return Item(
        id=spec.id, competency=spec.competency, difficulty=spec.difficulty, type="numeric", stem=stem,
        answer=round(answer, 2), tolerance=tolerance, unit=unit,
        feedback=NumericFeedback(right="Within the tolerance.", wrong="Outside the tolerance."),
        sources=sources(cited, spec.sources),
    ), explanation


def set_or_none(found: Iterable[str], options: list[tuple[str, str]],
                none_text: str) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
    """A multiple-choice answer that may be empty: "none" becomes an option of its own."""
    outside = set(found) - {option_id for option_id, _ in options}
    if outside:
        raise Ambiguous(f"the engine's answer {', '.join(sorted(outside))} is not among the options")
    answer = tuple(option_id for option_id, _ in options if option_id in set(found))
    return (answer or (NONE_ID,)), [*options, (NONE_ID, none_text)]
