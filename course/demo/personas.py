"""How kinds of trainee answer: seeded error patterns for the synthetic cohort.

A persona answers each field right with its own probability, and otherwise gives
a plausible wrong answer of the right type. The careless persona misses
contraindications (it proceeds and lists no reasons on screening questions); the
format persona knows the answers but often types them in the wrong form.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from course.assignments.questions import AnswerField, Question


@dataclass(frozen=True)
class Persona:
    name: str
    p_correct: float
    p_format_error: float = 0.0
    misses_contraindications: bool = False


PERSONAS: dict[str, Persona] = {
    "strong": Persona("strong", p_correct=0.98),
    "average": Persona("average", p_correct=0.7),
    "careless": Persona("careless", p_correct=0.8, misses_contraindications=True),
    "format_errors": Persona("format_errors", p_correct=0.85, p_format_error=0.35),
}


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def wrong_answer(field: AnswerField, rng: random.Random) -> Any:
    """A plausible wrong answer of the right type for ``field``."""
    expected, kind = field.solution, field.kind
    if kind == "choice":
        right = field.extra.get("accepted", (expected,))
        others = [value for value in field.allowed if value not in right]
        return rng.choice(others) if others else expected
    if kind in ("id_set", "id_sequence"):
        answer = list(expected)
        extras = [value for value in field.allowed if value not in answer]
        if kind == "id_sequence" and len(answer) > 1:
            i = rng.randrange(len(answer) - 1)
            answer[i], answer[i + 1] = answer[i + 1], answer[i]
        elif answer and (not extras or rng.random() < 0.5):
            answer.pop(rng.randrange(len(answer)))
        else:
            answer.append(rng.choice(extras))
        return answer
    if kind == "number":
        return round(expected * rng.choice([0.5, 0.7, 1.4, 2.0]), 2)
    if kind == "date":
        return _shift(expected, rng.choice([-7, -3, 3, 7]))
    if kind == "schedule":
        answer = list(expected)
        i = rng.randrange(1, len(answer)) if len(answer) > 1 else 0
        answer[i:] = [_shift(day, -5) for day in answer[i:]]
        return answer
    # tables: change one entry
    table = dict(expected)
    key = rng.choice(sorted(table))
    if kind == "combination":
        table[key] = rng.choice([v for v in field.allowed[key] if v != expected[key]])
    elif kind == "pre_treatment":
        table[key] = _shift(expected[key], rng.choice([-2, 2, 7]))
    else:
        table[key] = rng.choice([v for v in field.allowed if v != expected[key]])
    return table


def misformat(value: Any, rng: random.Random) -> Any:
    """The same answer typed the way a non-programmer might: right idea, wrong form."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return f"{value[8:]}/{value[5:7]}/{value[:4]}"
    if isinstance(value, str):
        return value.replace("_", " ").title()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value} mm"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, Mapping):
        return {key: misformat(item, rng) for key, item in value.items()}
    return value


def _misses_contraindications(field: AnswerField) -> Any:
    """The careless answer to a screening field: proceed, no reasons, nothing excluded."""
    if field.kind == "choice" and "proceed" in field.allowed:
        return "proceed"
    if field.kind == "id_set":
        return []
    return None


def answer(persona: Persona, question: Question, field: AnswerField, rng: random.Random) -> Any:
    """``persona``'s answer to one field of one question."""
    careless = persona.misses_contraindications and "screening" in question.competencies
    value = _misses_contraindications(field) if careless else None
    if value is None:
        value = field.solution if rng.random() < persona.p_correct else wrong_answer(field, rng)
    if rng.random() < persona.p_format_error:
        value = misformat(value, rng)
    return value
