"""Trainees' variants of an assignment: K draws of its items' parameter ranges.

Variant 1 is the assignment as its YAML writes it (the source notebook's solutions
answer it); every item that declares ``vary`` (see ``course.assignments.items.parameters``)
is drawn afresh from a seed, several times more than there are variants; each draw is made
into a question by the same question maker as the written item, so every variant's expected
answers are computed by the engines. Of these draws, each variant takes the one whose answers
it shares least with the variants already chosen (:func:`spread`), counting what a copied
full-mark notebook would earn (``course.assignments.copying``): copying another trainee's
notebook should not pay. A draw is refused, with a :class:`VariantError` naming the file,
the item and the parameter, when

- the engines or the knowledge base refuse it (an unknown ID, an impossible date,
  a depth the course has no single layer for...),
- it loses what the item must ``keep`` (the scenario tags or answers the item names),
  or tests another rule family than the item's (a screening case's ``family``), or
- its answer cell would differ from the written item's (names, kinds, points,
  templates): every variant shares one notebook, one set of grade cells and points.

The draw is reproducible: the same case data, K and seed give the same variants.
Which trainee gets which variant is ``course.assignments.allocation``'s job.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.assignments.catalog import DATA_DIR, case_data, item_titles, load_assignment
from course.assignments.copying import copied
from course.assignments.items import AssignmentItem, DataError, make_question
from course.assignments.items.parameters import Value, shown
from course.assignments.items.realise import realise, written, written_values
from course.assignments.questions import Assignment, Question
from course.knowledge import KnowledgeError

DEFAULT_VARIANTS = 8
DEFAULT_SEED = "mesocourse"
DISTINCT_TRIES = 50  # redraws to find a combination not drawn yet for this item
POOL_PER_VARIANT = 6  # draws considered per variant, to choose the most different from
SPREAD_ROUNDS = 4  # passes that change a variant's draw for a better one


class VariantError(KnowledgeError):
    """A drawn variant breaks a constraint: names the file, the item and the parameter."""


@dataclass(frozen=True)
class Variants:
    """The K variants of one assignment. ``values[v][item_id]`` holds variant ``v``'s draw."""

    name: str
    seed: str
    written: Assignment
    variants: tuple[Assignment, ...]
    values: tuple[Mapping[str, Mapping[str, Value]], ...]

    @property
    def count(self) -> int:
        return len(self.variants)

    def answers(self, variant: int) -> dict[str, Any]:
        """Answer variable -> the reference answer (full marks) in 0-based ``variant``."""
        return {f.name: f.solution for q in self.variants[variant].questions for f in q.fields}

    @property
    def varied(self) -> frozenset[str]:
        """The questions whose items declare parameter ranges."""
        return frozenset(item_id for values in self.values for item_id in values)


def _answer(question: Question, name: str) -> Any:
    for field in question.fields:
        if field.name == f"{question.id}_{name}":
            return sorted(field.expected) if field.kind == "id_set" else field.expected
    raise KeyError(name)


def lost(item: AssignmentItem, reference: Question, variant: Question) -> str | None:
    """What a variant loses of what the item must keep, or changes of the answer cell; None if nothing."""
    names = item.keep or ()
    for name in names:
        if name in reference.params:
            was, now = reference.params[name], variant.params.get(name)
        else:
            try:
                was, now = _answer(reference, name), _answer(variant, name)
            except KeyError:
                raise DataError(item, f"'{name}' is neither a scenario tag ({', '.join(reference.params)}) nor an "
                                      f"answer ({', '.join(f.name for f in reference.fields)})", "keep") from None
        if was != now:
            return f"its {name} is {now!r} where the written item's is {was!r}"
    cell = [(f.name, f.label, f.kind, f.weight, f.shape, f.template, f.help) for f in reference.fields]
    if cell != [(f.name, f.label, f.kind, f.weight, f.shape, f.template, f.help) for f in variant.fields]:
        return "its answer cell differs from the written item's (names, kinds, points or template)"
    return None


def _problem(item: AssignmentItem, title: str, values: Mapping[str, Value], reference: Question) -> str | None:
    try:
        return lost(item, reference, make_question(realise(item, values), title))
    except DataError as error:
        if error.field == "keep":
            raise
        return error.message


def _refuse(file: str, item: AssignmentItem, title: str, values: Mapping[str, Value], number: int,
            problem: str) -> VariantError:
    """The error naming the parameter(s) whose drawn value alone breaks the item (all, if none alone)."""
    base = written_values(item)
    reference = make_question(written(item), title)
    guilty = [name for name in item.vary if values[name] != base[name]
              and _problem(item, title, {**base, name: values[name]}, reference)] or list(item.vary)
    drawn = ", ".join(f"{name} = {shown(values[name])}" for name in guilty)
    paths = ", ".join(path for name in guilty for path in item.vary[name].targets())
    return VariantError(file, item.id, ", ".join(f"vary.{name}" for name in guilty),
                        f"variant {number} draws {drawn}{f' ({paths})' if paths else ''}, and then {problem}: "
                        "narrow the range or the choices")


def draw_pool(file: str, item: AssignmentItem, title: str, size: int,
              seed: str) -> tuple[list[dict[str, Value]], list[Question]]:
    """The written item, then up to ``size - 1`` distinct draws of its parameters, each checked."""
    reference = make_question(written(item), title)
    rng = random.Random(f"{seed}/{file}/{item.id}")
    base = written_values(item)
    seen = {repr(sorted(base.items()))}
    draws, questions = [base], [reference]
    for number in range(2, size + 1):
        for _ in range(DISTINCT_TRIES):
            values = {name: item.vary[name].draw(rng) for name in sorted(item.vary)}
            if repr(sorted(values.items())) not in seen:
                break
        else:
            break  # the ranges hold no more distinct draws
        seen.add(repr(sorted(values.items())))
        problem = _problem(item, title, values, reference)
        if problem:
            raise _refuse(file, item, title, values, number, problem)
        draws.append(values)
        questions.append(make_question(realise(item, values), title))
    return draws, questions


def spread(pool: list[Question], count: int, shared: list[list[float]]) -> list[int]:
    """The pool's draw each of ``count`` variants takes: variant 1 the written item (index 0),
    the others chosen so that the most any variant's full-mark answers earn under another's key
    (``shared``: summed over the items so far; updated here) stays lowest, then their sum, then
    the number of variants that share a draw.
    Each variant in turn takes the best draw given those before it; then each is changed for a
    better one given all the others, until none improves."""
    earned: dict[tuple[int, int], float] = {}

    def pays(key: int, source: int) -> float:
        if (key, source) not in earned:
            earned[key, source] = copied(pool[key], pool[source])
        return earned[key, source]

    def score(picks: list[int]) -> tuple[float, float, int]:
        totals = [shared[v][w] + pays(picks[v], picks[w]) for v in range(len(picks)) for w in range(len(picks))
                  if v != w]
        return max(totals, default=0.0), sum(totals), len(picks) - len(set(picks))  # then: fewest draws reused

    picks = [0]
    for _ in range(1, count):
        picks.append(min(range(len(pool)), key=lambda c: score([*picks, c])))
    for _ in range(SPREAD_ROUNDS):
        improved = False
        for v in range(1, count):
            best = min(range(len(pool)), key=lambda c: score(picks[:v] + [c] + picks[v + 1:]))
            if score(picks[:v] + [best] + picks[v + 1:]) < score(picks):
                picks[v], improved = best, True
        if not improved:
            break
    for v in range(count):
        for w in range(count):
            if v != w:
                shared[v][w] += pays(picks[v], picks[w])
    return picks


@functools.cache
def load_variants(name: str, count: int = DEFAULT_VARIANTS, seed: str = DEFAULT_SEED,
                  data_dir: Path = DATA_DIR) -> Variants:
    """The ``count`` variants of assignment ``name``: the written items (variant 1, whose answers
    are the source notebook's solutions), then draws from ``seed``; answers computed by the engines."""
    if count < 1:
        raise ValueError(f"the number of variants must be at least 1, not {count}")
    base = load_assignment(name, data_dir)
    file = f"{name}.yaml"
    per_item: list[list[Question]] = []
    values: list[dict[str, dict[str, Value]]] = [{} for _ in range(count)]
    shared = [[0.0] * count for _ in range(count)]
    for item, title, reference in zip(case_data(name, data_dir), item_titles(name, data_dir), base.questions):
        if not item.vary:
            per_item.append([reference] * count)
            continue
        try:
            draws, questions = draw_pool(file, item, title, count * POOL_PER_VARIANT, seed)
        except DataError as error:
            raise VariantError(file, item.id, error.field, error.message) from None
        picks = spread(questions, count, shared)
        per_item.append([questions[p] for p in picks])
        for number, pick in enumerate(picks):
            values[number][item.id] = draws[pick]
    assignments = tuple(Assignment(name, base.title, base.introduction, tuple(q[v] for q in per_item), base.exam)
                        for v in range(count))
    return Variants(name, seed, base, assignments, tuple(values))
