"""``mark`` for every item type (right, wrong, edges) and the seeded ``draw``."""

from __future__ import annotations

import pytest

from course.quiz import Item, all_banks, draw, load_bank, mark
from course.quiz.marking import NO_ANSWER


@pytest.fixture(scope="module")
def banks():
    return all_banks()


@pytest.fixture(scope="module")
def depth():
    return load_bank("04")


def _wrong_response(item: Item):
    """A wrong response of the item's type, built from its own options."""
    ids = [option.id for option in item.options]
    if item.type == "single_choice":
        return next(i for i in ids if i != item.answer)
    if item.type == "true_false":
        return not item.answer
    if item.type == "multiple_choice":
        return [i for i in ids if i not in item.answer]
    if item.type == "numeric":
        return item.answer + item.tolerance + 1
    return ids  # ordering: the options' own (shuffled) order is never the answer


def test_every_item_marks_its_answer_right_and_another_response_wrong(banks):
    for bank in banks:
        for item in bank.items:
            answer = list(item.answer) if isinstance(item.answer, tuple) else item.answer
            right = mark(item, answer)
            assert (right.correct, right.score) == (True, 1.0), item.id
            assert right.feedback.startswith("Correct.")
            wrong = mark(item, _wrong_response(item))
            assert not wrong.correct and wrong.score < 1, item.id
            assert wrong.feedback.startswith("Not quite.")


def test_single_choice_quotes_the_chosen_options_feedback(depth):
    item = depth.item("depth-07")  # 4 mm perpendicular on the forehead: below the fat
    chosen = item.option("hypodermis")
    result = mark(item, "hypodermis")
    assert (result.correct, result.score) == (False, 0.0)
    assert result.feedback == f"Not quite. {chosen.feedback}"
    with pytest.raises(ValueError, match="has no option 'muscle'"):
        mark(item, "muscle")


def test_true_false_takes_booleans(depth):
    item = depth.item("depth-06")  # "certainly in the dermis at 1.5 mm on the face": false
    assert mark(item, False).correct
    assert mark(item, True).feedback == f"Not quite. {item.option('true').feedback}"
    with pytest.raises(ValueError, match="True or False"):
        mark(item, "false")


def test_numeric_tolerance_boundary_is_inclusive(depth):
    item = depth.item("depth-01")  # 2.0 mm, tolerance 0.1
    assert item.answer == 2.0 and item.tolerance == 0.1
    for inside in (2.0, 2.1, 1.9, 2.05):
        assert mark(item, inside).correct, inside
    for outside in (2.1001, 1.8999, 3.46, 0):
        assert not mark(item, outside).correct, outside
    wrong = mark(item, 3.46)
    assert item.feedback.wrong in wrong.feedback and "Expected: 2 mm (± 0.1)." in wrong.feedback
    with pytest.raises(ValueError, match="finite number"):
        mark(item, float("nan"))


def test_multiple_choice_partial_credit(banks):
    item = next(i for b in banks for i in b.items if i.id == "screening-07")  # 3 right of 5 options
    right, wrong = list(item.answer), [o.id for o in item.options if o.id not in item.answer]
    assert len(right) == 3 and len(wrong) == 2
    two_right = mark(item, right[:2])
    assert (two_right.correct, two_right.score) == (False, pytest.approx(2 / 3))
    assert "(missed)" in two_right.feedback
    assert mark(item, right[:2] + wrong[:1]).score == pytest.approx(1 / 3)
    assert mark(item, right + wrong).score == pytest.approx(1 / 3)  # ticking everything is not free
    assert mark(item, wrong).score == 0.0  # floored at 0
    assert mark(item, right).correct
    for option in item.options:  # every chosen or missed option's feedback is quoted
        assert option.feedback in mark(item, right[:1] + wrong).feedback


def test_ordering_scores_positions_and_shows_the_order(depth):
    item = depth.item("depth-12")  # epidermal, superficial_intradermal, intradermal, hypodermic
    answer = list(item.answer)
    swapped = [answer[1], answer[0]] + answer[2:]
    result = mark(item, swapped)
    assert (result.correct, result.score) == (False, 0.5)
    assert result.feedback.splitlines()[1].startswith("1. Epidermal")
    assert mark(item, answer).score == 1.0
    repeated = mark(item, [answer[0]] * 4)
    assert (repeated.correct, repeated.score) == (False, 0.0) and "exactly once" in repeated.feedback


def test_no_answer_is_wrong_without_feedback_from_options(depth):
    for item_id in ("depth-04", "depth-12"):
        assert mark(depth.item(item_id), None).feedback == NO_ANSWER
    assert mark(depth.item("depth-04"), []) == mark(depth.item("depth-04"), None)


def test_seeded_draw_is_reproducible(depth):
    first = [item.id for item in draw(depth, n=5, seed=7)]
    assert first == [item.id for item in draw(depth, n=5, seed=7)]
    assert len(set(first)) == 5 and set(first) <= {item.id for item in depth.items}
    assert any([i.id for i in draw(depth, n=5, seed=s)] != first for s in range(8, 12))
    whole = draw(depth, seed=3)
    assert sorted(i.id for i in whole) == sorted(i.id for i in depth.items)
    assert draw(depth) == list(depth.items)  # no n, no seed: the file's order
    for bad in (0, len(depth.items) + 1):
        with pytest.raises(ValueError, match="n must be between 1 and"):
            draw(depth, n=bad, seed=1)
