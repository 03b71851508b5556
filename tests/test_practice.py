"""Practice with fresh patients in modules 06 and 07: a new engine-answered patient on demand,
instant feedback, nothing recorded."""

from __future__ import annotations

import html
from pathlib import Path

import nbformat
import pytest
from test_review_widget import _answer

from course.review.practice import NOT_RECORDED, PracticeWidget

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("module", ["06", "07"])
def test_new_patients_on_demand_with_the_engines_feedback_and_nothing_recorded(
        module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts = tmp_path / "attempts.json"
    monkeypatch.setenv("MESOCOURSE_ATTEMPTS", str(attempts))
    widget = PracticeWidget(module, seed=11)
    assert NOT_RECORDED in widget.children[0].value and widget.new.description == "New patient"
    stems = set()
    for _ in range(6):
        view, entry = widget.view, widget.entry
        assert entry.generated is not None and entry.module == module
        stems.add(entry.item.stem)
        _answer(view, True)
        view.check.click()
        assert "Correct." in view.feedback.value and html.escape(entry.explanation) in view.feedback.value
        assert "Sources:" in view.feedback.value
        widget.new.click()
    _answer(widget.view, False)
    widget.view.check.click()
    assert "Correct." not in widget.view.feedback.value and "Sources:" in widget.view.feedback.value
    assert len(stems) >= 4  # fresh patients, not one repeated
    assert not attempts.exists()  # practice is not recorded


def test_a_module_without_generated_items_is_named() -> None:
    with pytest.raises(ValueError,
                       match=r"module 09 has no generated practice items \(modules with some: 03, 04, 06, 07\)"):
        PracticeWidget("09")


@pytest.mark.parametrize("notebook", ["06_scheduling.ipynb", "07_screening.ipynb"])
def test_modules_06_and_07_offer_the_practice(notebook: str) -> None:
    nb = nbformat.read(REPO / "notebooks" / notebook, as_version=4)
    assert any(f'practice("{notebook[:2]}")' in cell.source for cell in nb.cells if cell.cell_type == "code")
