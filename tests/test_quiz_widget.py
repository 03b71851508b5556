"""The quiz widget driven in plain Python: set `.value`, `.click()`, read feedback, score and file."""

from __future__ import annotations

import json
import subprocess
import sys

import ipywidgets as widgets
import pytest

from course.progress import AttemptStore
from course.quiz import QuizWidget, load_bank, show


@pytest.fixture(scope="module")
def depth():
    return load_bank("04")


@pytest.fixture
def store(tmp_path):
    return AttemptStore(tmp_path / "attempts.json")


def _view(quiz: QuizWidget, item_id: str):
    return next(view for view in quiz.views if view.item.id == item_id)


def _recorded(store: AttemptStore) -> list[tuple[str, bool, float]]:
    return [(a.item_id, a.correct, a.score) for a in store.attempts()]


def test_each_type_gets_its_control(depth, store):
    quiz = QuizWidget(depth, store=store)
    assert isinstance(_view(quiz, "depth-04").control, widgets.RadioButtons)
    assert isinstance(_view(quiz, "depth-06").control, widgets.ToggleButtons)
    assert isinstance(_view(quiz, "depth-01").number, widgets.Text) and _view(quiz, "depth-01").number.value == ""
    ordering = _view(quiz, "depth-12")
    assert [d.value for d in ordering.positions] == [o.id for o in ordering.item.options]
    assert all(view.control.value is None for view in quiz.views if view.item.type == "single_choice")
    assert f"Score: 0 / {len(depth.items)}" in quiz.score.value
    assert "Quiz sources (module 04)" in quiz.children[-1].value


def test_checking_answers_gives_feedback_score_and_records_attempts(depth, store):
    quiz = QuizWidget(depth, store=store)
    single = _view(quiz, "depth-07")
    single.control.value = "hypodermis"
    single.check.click()
    assert "Not quite." in single.feedback.value and "#c62828" in single.feedback.value
    single.control.value = "deeper"
    single.check.click()
    assert "Correct." in single.feedback.value and "Iyengar 2018" in single.feedback.value

    true_false = _view(quiz, "depth-06")
    true_false.control.value = False
    true_false.check.click()
    numeric = _view(quiz, "depth-01")
    numeric.number.value = " 2,1 "  # on the tolerance boundary, typed with a decimal comma
    numeric.check.click()
    ordering = _view(quiz, "depth-12")
    order = ["superficial_intradermal", "epidermal", "intradermal", "hypodermic"]
    for dropdown, step in zip(ordering.positions, order):
        dropdown.value = step
    ordering.check.click()  # two of four in place

    assert "Correct." in true_false.feedback.value and "Correct." in numeric.feedback.value
    assert "2 of 4 in the right place" in ordering.feedback.value
    assert f"Score: 3.5 / {len(depth.items)}" in quiz.score.value
    assert f"(4 of {len(depth.items)} checked)" in quiz.score.value
    assert quiz.points == 3.5
    assert _recorded(store) == [
        ("depth-07", False, 0.0), ("depth-07", True, 1.0), ("depth-06", True, 1.0),
        ("depth-01", True, 1.0), ("depth-12", False, 0.5),
    ]
    assert {a.module for a in store.attempts()} == {"04"} and {a.competency for a in store.attempts()} == {"depth"}


def test_multiple_choice_checkboxes(store):
    quiz = QuizWidget("07", store=store)
    view = _view(quiz, "screening-07")
    for option_id in ("acute_illness", "sensitive_skin"):
        view.checkboxes[option_id].value = True
    view.check.click()
    assert "2 of 3 right options chosen, 0 wrong" in view.feedback.value
    assert "(missed)" in view.feedback.value
    assert _recorded(store) == [("screening-07", False, pytest.approx(2 / 3))]


def test_checking_without_an_answer_records_nothing(depth, store):
    quiz = QuizWidget(depth, store=store)
    view = _view(quiz, "depth-04")
    view.check.click()
    assert "No answer given yet." in view.feedback.value
    assert not store.path.exists()
    assert f"Score: 0 / {len(depth.items)}" in quiz.score.value
    assert f"(1 of {len(depth.items)} checked)" in quiz.score.value


def test_a_corrupt_attempts_file_still_marks_and_says_it_was_not_recorded(depth, store):
    store.path.write_text("not json", encoding="utf-8")
    quiz = QuizWidget(depth, store=store)
    view = _view(quiz, "depth-04")
    view.control.value = "superficial_intradermal"
    view.check.click()
    assert "Correct." in view.feedback.value and "not recorded" in view.feedback.value
    assert str(store.path) in view.feedback.value
    assert store.path.read_text(encoding="utf-8") == "not json"


def test_seeded_draw_and_default_store_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MESOCOURSE_ATTEMPTS", str(tmp_path / "env.json"))
    assert show("06", n=4, seed=11) is None  # displayed once, not returned to be displayed again
    quiz = QuizWidget("06", n=4, seed=11)
    again = QuizWidget("06", n=4, seed=11)
    assert [v.item.id for v in quiz.views] == [v.item.id for v in again.views]
    assert len(quiz.views) == 4 and "Score: 0 / 4" in quiz.score.value
    view = next(v for v in quiz.views if v.item.type == "single_choice")
    view.control.value = view.item.answer
    view.check.click()
    saved = json.loads((tmp_path / "env.json").read_text(encoding="utf-8"))
    assert [a["item_id"] for a in saved["attempts"]] == [view.item.id]
    assert saved["attempts"][0]["correct"] is True


def test_importing_course_quiz_and_progress_stays_light():
    code = (
        "import sys, course, course.quiz, course.progress; "
        "heavy = [m for m in ('ipywidgets', 'matplotlib', 'pandas') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_numeric_answer_starts_empty_and_must_be_a_number(depth, store):
    quiz = QuizWidget(depth, store=store)
    numeric = _view(quiz, "depth-01")
    numeric.check.click()  # nothing typed yet: not an answer of 0
    assert "No answer given yet." in numeric.feedback.value
    for typed in ("two", "nan", "1e999"):
        numeric.number.value = typed
        numeric.check.click()
        assert "Type a number" in numeric.feedback.value
    assert _recorded(store) == [] and f"Score: 0 / {len(depth.items)}" in quiz.score.value
