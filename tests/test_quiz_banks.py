"""The course's own quiz banks: they validate, cover the course, and agree with the
engines and the knowledge base wherever that can be checked mechanically."""

from __future__ import annotations

import operator
import re
from collections import Counter

import pytest

from course import knowledge
from course.quiz import Item, all_banks, compute, load_bank, quizzes_dir
from course.quiz.bank import ITEM_TYPES

MODULES = [f"{n:02d}" for n in range(1, 10)]


@pytest.fixture(scope="module")
def banks():
    return {bank.module: bank for bank in all_banks()}


@pytest.fixture(scope="module")
def items(banks) -> list[tuple[str, Item]]:
    return [(module, item) for module, bank in banks.items() for item in bank.items]


def test_one_validated_bank_per_module_with_at_least_ten_items(banks):
    assert sorted(banks) == MODULES
    for module in MODULES:
        bank = load_bank(module)
        assert bank.path.parent == quizzes_dir()
        assert bank.path.name.startswith(f"{module}_")
        assert len(bank.items) >= 10, module


def test_every_item_type_and_difficulty_is_used(items):
    types = Counter(item.type for _, item in items)
    assert set(types) == set(ITEM_TYPES)
    assert {item.difficulty for _, item in items} == {"easy", "medium", "hard"}


def test_item_ids_are_unique_across_banks(items):
    ids = [item.id for _, item in items]
    assert len(ids) == len(set(ids))


def test_each_item_tests_the_competency_of_its_module(items):
    competencies = knowledge.load().competencies
    for module, item in items:
        assert module in competencies[item.competency].modules, item.id


def test_every_cited_source_and_competency_exists_in_the_knowledge_base(items):
    kb = knowledge.load()
    for _, item in items:
        assert item.competency in kb.competencies
        assert item.sources and all(source in kb.sources for source in item.sources), item.id


def _engine_items(items):
    return [item for _, item in items if item.compute is not None]


def test_engine_computable_answers_match_the_engines(items):
    """Depths, layers, techniques, screening decisions and schedule dates are recomputed."""
    checked = _engine_items(items)
    engines = Counter(item.compute.engine for item in checked)
    for engine in ("tip_depth_mm", "layer_at", "technique_for_depth", "screen", "plan_course"):
        assert engines[engine] >= 1, engine
    for item in checked:
        value = compute.evaluate(item.compute)
        if item.type == "numeric":
            assert round(value, 2) == pytest.approx(item.answer), item.id
        elif item.type == "multiple_choice":
            assert set(value) == set(item.answer), item.id
        else:
            assert value == item.answer, item.id


def test_every_depth_screening_and_schedule_item_is_engine_checked(items):
    """Items of the engine-backed modules whose answer is a depth, a decision or a date carry `compute`."""
    decisions = {d.id for d in knowledge.load().screening.decisions}
    layers = {"epidermis", "dermis", "hypodermis", "deeper"}
    for _, item in items:
        option_ids = {option.id for option in item.options}
        is_date = bool(option_ids) and all(re.fullmatch(r"\d{4}-\d\d-\d\d", o) for o in option_ids)
        is_decision = item.type == "single_choice" and option_ids <= decisions
        is_layer = item.type == "single_choice" and option_ids <= layers
        is_tip_depth = item.type == "numeric" and item.unit == "mm"
        if is_date or is_decision or is_layer or is_tip_depth:
            assert item.compute is not None, f"{item.id} has an engine-computable answer but no `compute`"


def _ordered_collections() -> dict[str, list[str]]:
    kb = knowledge.load()
    return {
        "session steps": [step.id for step in kb.techniques.session_steps],
        "depth techniques": list(kb.depth_techniques),
        "screening decisions": [decision.id for decision in kb.screening.decisions],
    }


def test_ordering_items_over_knowledge_base_sequences_follow_its_order(items):
    matched = 0
    for _, item in items:
        if item.type != "ordering":
            continue
        for order in _ordered_collections().values():
            if set(item.answer) <= set(order):
                assert list(item.answer) == [step for step in order if step in item.answer], item.id
                matched += 1
    assert matched >= 3  # session steps (05, 09), depth levels (04), decisions (07)


def _kb_numbers() -> set[str]:
    text = "\n".join(path.read_text(encoding="utf-8") for path in knowledge.DATA_DIR.glob("*.yaml"))
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def test_numeric_answers_not_computed_by_an_engine_are_numbers_of_the_knowledge_base(items):
    """No invented numbers: a fact-recall number must stand in the knowledge base."""
    numbers = _kb_numbers()
    for _, item in items:
        if item.type == "numeric" and item.compute is None:
            assert f"{item.answer:g}" in numbers, item.id


def _text(item: Item) -> str:
    parts = [item.stem] + [f"{o.text} {o.feedback}" for o in item.options]
    if item.feedback:
        parts += [item.feedback.right, item.feedback.wrong]
    return " ".join(parts)


def test_items_quoting_one_side_of_a_numeric_dispute_show_the_other(items):
    """Where the seeds disagree on a figure, no item gives one figure without the other."""
    ranges = re.compile(r"^\d+-\d+ \w+$")
    disputes = [
        [p.value for p in d.positions if ranges.match(p.value)] for d in knowledge.load().disputes.disputes
    ]
    disputes = [values for values in disputes if len(set(values)) >= 2]
    assert disputes, "expected at least the duration-of-effect dispute"
    for values in disputes:
        for _, item in items:
            quoted = [v for v in values if v in _text(item)]
            assert not quoted or set(quoted) == set(values), f"{item.id} quotes {quoted} but not all of {values}"



# Options that restate a knowledge-base entry word for word (consultation lists, module 09).
RESTATED = {  # item: (the knowledge base's collections it restates, its options that do)
    "consultation-02": (("consultation.record",), ["practitioner", "goals", "cocktail", "history", "consent"]),
    "consultation-03": (("consultation.tell_the_patient",), ["ingredients", "risks", "pre_after", "cost"]),
    "consultation-11": (("consultation.expectations", "not_a_substitute_for"),
                        ["several", "temporary", "not_substitute"]),
}


def test_options_restating_the_knowledge_base_are_identical_to_it(banks):
    kb = knowledge.load()
    for item_id, (collections, option_ids) in RESTATED.items():
        texts = {fact.text for path in collections for fact in operator.attrgetter(path)(kb)}
        item = banks["09"].item(item_id)
        for option_id in option_ids:
            assert item.option(option_id).text in texts, (item_id, option_id)
