"""Spaced review: FSRS cards replayed from the attempts file, due items, target
retention and merging attempts files from two machines."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating, Scheduler

from course.progress import Attempt, AttemptsError, AttemptStore
from course.review import due, due_for, merge, rating, replay

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _attempt(item, correct, at, seconds=None, module="04", competency="depth"):
    return Attempt(module, item, competency, correct, float(correct), at.isoformat(timespec="seconds"), seconds)


# A recorded sequence: first answer right, a lapse a few days later, then right twice, slow and fast.
SEQUENCE = [
    _attempt("depth-01", True, T0, 40),
    _attempt("depth-01", False, T0 + timedelta(days=3), 50),
    _attempt("depth-01", True, T0 + timedelta(days=3, minutes=12)),
    _attempt("depth-01", True, T0 + timedelta(days=9), 120),
    _attempt("depth-01", True, T0 + timedelta(days=30), 8),
]


def test_ratings_come_from_right_or_wrong_and_the_time_taken():
    assert [rating(a) for a in SEQUENCE] == [Rating.Good, Rating.Again, Rating.Good, Rating.Hard, Rating.Easy]


@pytest.mark.parametrize("retention", [0.9, 0.8])
def test_scheduling_matches_the_fsrs_package_on_a_recorded_sequence(retention):
    planner = Scheduler(desired_retention=retention, enable_fuzzing=False)
    expected = Card(card_id=1)
    for attempt, grade in zip(SEQUENCE, [Rating.Good, Rating.Again, Rating.Good, Rating.Hard, Rating.Easy]):
        when = datetime.fromisoformat(attempt.at)
        expected, _ = planner.review_card(expected, grade, review_datetime=when,
                                          review_duration=None if attempt.seconds is None
                                          else int(attempt.seconds * 1000))
    shuffled = [SEQUENCE[3], SEQUENCE[0], SEQUENCE[4], SEQUENCE[2], SEQUENCE[1]]  # file order does not matter
    card = replay(shuffled, retention)["depth-01"]
    assert card.reviews == 5
    assert (card.card.due, card.card.state, card.card.step) == (expected.due, expected.state, expected.step)
    assert card.card.stability == pytest.approx(expected.stability)
    assert card.card.difficulty == pytest.approx(expected.difficulty)


def test_a_lower_target_retention_spaces_reviews_further():
    assert replay(SEQUENCE, 0.8)["depth-01"].due > replay(SEQUENCE, 0.95)["depth-01"].due


def test_due_items_appear_and_disappear_as_reviews_are_recorded(tmp_path):
    store = AttemptStore(tmp_path / "attempts.json")
    assert due_for(store, T0).items == ()
    store.record("04", "depth-01", "depth", True, 1.0, at=T0, seconds=30)
    store.record("07", "screening-03", "screening", False, 0.0, at=T0)
    later = T0 + timedelta(minutes=30)  # both still in their learning steps: due again within minutes
    found = due_for(store, later)
    assert set(found.ids) == {"depth-01", "screening-03"}
    assert found.by_module == {"04": 1, "07": 1} and found.by_competency == {"depth": 1, "screening": 1}
    store.record("04", "depth-01", "depth", True, 1.0, at=later, seconds=30)
    store.record("07", "screening-03", "screening", True, 1.0, at=later, seconds=30)
    store.record("07", "screening-03", "screening", True, 1.0, at=later + timedelta(minutes=11), seconds=30)
    soon = later + timedelta(minutes=20)
    assert due_for(store, soon).ids == []  # both answered: nothing due now
    card = {c.item_id: c for c in due_for(store, soon).reviewed}["depth-01"]
    assert "depth-01" in due_for(store, card.due + timedelta(seconds=1)).ids  # due again when its interval ends
    assert due(store.attempts(), card.due - timedelta(seconds=1)).ids.count("depth-01") == 0


def test_target_retention_is_stored_beside_the_attempts_and_changes_the_schedule(tmp_path):
    store = AttemptStore(tmp_path / "attempts.json")
    for attempt in SEQUENCE:
        store.add([attempt])
    default = due_for(store).reviewed[0].due
    store.set("target_retention", 0.8)
    assert store.settings() == {"target_retention": 0.8}
    assert due_for(store).reviewed[0].due > default
    assert len(store.attempts()) == len(SEQUENCE)  # setting it kept every attempt
    store.record("04", "depth-02", "depth", True, 1.0)
    assert store.settings() == {"target_retention": 0.8}  # recording keeps the setting
    with pytest.raises(ValueError, match="target_retention must be"):
        store.set("target_retention", 1.5)


def test_an_old_format_file_is_read_and_extended_without_losing_anything(tmp_path):
    old = [{"module": "04", "item_id": "depth-01", "competency": "depth", "correct": True, "score": 1,
            "at": "2025-03-01T10:00:00+00:00"}]
    path = tmp_path / "attempts.json"
    path.write_text(json.dumps({"version": 1, "attempts": old}), encoding="utf-8")
    store = AttemptStore(path)
    assert replay(store.attempts())["depth-01"].reviews == 1
    store.record("04", "depth-01", "depth", True, 1.0, seconds=12.34)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["attempts"][0] == {**old[0], "score": 1.0}  # no key added to an old entry
    assert data["attempts"][1]["seconds"] == 12.3 and "settings" not in data


def test_a_merged_file_from_another_machine_loses_no_review(tmp_path):
    laptop, clinic = AttemptStore(tmp_path / "laptop.json"), AttemptStore(tmp_path / "clinic.json")
    laptop.record("04", "depth-01", "depth", True, 1.0, at=T0)
    clinic.record("04", "depth-01", "depth", False, 0.0, at=T0 + timedelta(days=2))
    clinic.record("07", "screening-03", "screening", True, 1.0, at=T0 + timedelta(days=2))
    clinic.set("target_retention", 0.85)
    clinic_text = clinic.path.read_text(encoding="utf-8")
    assert merge(laptop, clinic.path) == 2
    assert merge(laptop, clinic.path) == 0  # merging again adds nothing
    assert clinic.path.read_text(encoding="utf-8") == clinic_text  # the other file is only read
    cards = replay(laptop.attempts())
    assert cards["depth-01"].reviews == 2 and cards["screening-03"].reviews == 1
    both = replay(sorted(laptop.attempts() + clinic.attempts(), key=lambda a: a.at)[:3])
    assert cards["depth-01"].card.due == both["depth-01"].card.due
    assert laptop.settings() == {"target_retention": 0.85}
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(AttemptsError, match="broken.json"):
        merge(laptop, broken)
    assert len(laptop.attempts()) == 3
