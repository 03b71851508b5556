"""Time-anchored triage: a reaction's level holds only on the days the course gives it.

The same redness is expected the day after a session and a warning sign three weeks
later (atypical mycobacterial lesions appear 1-12 weeks after treatment). These tests
check the engine, the knowledge base's windows, every graded triage item and every
quiz triage item against that rule, through the real builders and quiz banks.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from course import knowledge
from course.assignments import ASSIGNMENTS
from course.assignments.catalog import case_data, load_assignment
from course.assignments.items import DataError, make_question
from course.assignments.items.knowledge import Triage
from course.quiz import all_banks
from course.triage import onset_text, triage_on, window_text
from course.widgets.triage_trainer import TriageTrainer


def reactions() -> dict:
    return {r.id: r for r in knowledge.load().complications.reactions}


def test_the_same_redness_is_expected_the_next_day_and_urgent_weeks_later():
    assert triage_on("redness", 1) == "expected"
    assert triage_on("late_reaction", 21) == "urgent"
    with pytest.raises(ValueError, match=r"'redness' is expected only on the day of a session or the day after, "
                                         r"not 3 weeks after the session"):
        triage_on("redness", 21)
    with pytest.raises(ValueError, match="unknown reaction 'rednes'"):
        triage_on("rednes", 1)


def test_itching_is_expected_by_the_next_day_and_reviewed_after_it():
    """The sources say itching leaves after a few hours or the next day: the stem's day decides."""
    assert triage_on("itching", 0) == "expected"
    assert triage_on("persistent_itching", 3) == "monitor"
    for wrong in (lambda: triage_on("itching", 3), lambda: triage_on("persistent_itching", 1)):
        with pytest.raises(ValueError, match="itching"):
            wrong()


def test_no_expected_or_monitor_window_reaches_the_late_warning_signs():
    late = [r for r in reactions().values() if r.triage == "urgent" and r.days[0] > 0]
    assert {"late_reaction", "tender_nodules"} <= {r.id for r in late}
    for reaction in reactions().values():
        first, last = reaction.days
        if reaction.triage == "urgent":
            assert last is None, reaction.id
        else:
            assert last is not None and all(last < sign.days[0] for sign in late), reaction.id


@pytest.mark.parametrize("day, words", [(0, "on the day of the session"), (1, "the day after the session"),
                                        (3, "3 days after the session"), (21, "3 weeks after the session"),
                                        (10, "10 days after the session")])
def test_days_in_words(day, words):
    assert onset_text(day) == words


def triage_items() -> list[tuple[str, Triage]]:
    return [(name, item) for name in ASSIGNMENTS for item in case_data(name) if isinstance(item, Triage)]


def test_every_graded_triage_item_states_each_day_and_keys_the_level_on_that_day():
    items = triage_items()
    assert {item.id for _, item in items} >= {"reaction_triage", "warning_signs"}
    for name, item in items:
        question = load_assignment(name).question(item.id)
        (field,) = question.fields
        levels = {r.reaction: triage_on(r.reaction, r.day) for r in item.reactions}
        expected = field.expected if isinstance(field.expected, dict) else set(field.expected)
        assert expected == (levels if not item.urgent_only else {r for r, level in levels.items() if level == "urgent"})
        for report in item.reactions:
            assert f"`{report.reaction}`, reported {onset_text(report.day)}:" in question.prompt, (item.id, report)


def test_the_critical_warning_signs_item_keys_late_reactions_urgent_and_early_ones_not():
    item = next(i for _, i in triage_items() if i.id == "warning_signs")
    assert item.critical and item.urgent_only
    days = {r.reaction: r.day for r in item.reactions}
    urgent = set(load_assignment("certification").question("warning_signs").fields[0].expected)
    assert {r for r, day in days.items() if reactions()[r].days[0] > 0} <= urgent  # every late sign is keyed
    assert all(days[r] <= 1 for r in days if r not in urgent)  # what is not urgent was reported within a day


def test_a_triage_item_without_days_or_outside_a_window_is_refused():
    with pytest.raises(ValidationError, match="day"):
        Triage(id="late_redness", situation="x", reactions=[{"reaction": "redness"}])
    item = Triage(id="late_redness", situation="x", reactions=[{"reaction": "redness", "day": 21}])
    with pytest.raises(DataError, match=r"item 'late_redness', field 'reactions': reaction 'redness' is expected only"):
        make_question(item, "Item")
    twice = Triage(id="twice", situation="x",
                   reactions=[{"reaction": "redness", "day": 0}, {"reaction": "redness", "day": 1}])
    with pytest.raises(DataError, match="listed twice"):
        make_question(twice, "Item")


def test_every_quiz_triage_item_names_a_day_in_the_reaction_window():
    triage = [item for bank in all_banks() for item in bank.items if item.compute and item.compute.engine == "triage"]
    assert len(triage) >= 5
    for item in triage:
        args = item.compute.args
        assert item.answer == triage_on(args["reaction_id"], args["day"]), item.id


def test_the_trainer_offers_each_reaction_with_its_window_and_explains_it():
    trainer = TriageTrainer()
    labels = dict((value, label) for label, value in trainer.reaction.options)
    for reaction in reactions().values():
        assert labels[reaction.id].endswith(window_text(reaction))
        trainer.reaction.value = reaction.id
        trainer.guess.value = reaction.triage
        trainer.check()
        assert trainer.correct and window_text(reaction) in trainer.feedback.value
