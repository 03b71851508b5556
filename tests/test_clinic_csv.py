"""The manager's CSV opens in a spreadsheet as text: a cell typed like a formula stays inert."""

from __future__ import annotations

import pytest

from course.hub.service.clinic import _inert


@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"])
def test_a_cell_that_starts_like_a_formula_gets_an_apostrophe(typed: str) -> None:
    assert _inert(typed) == "'" + typed


@pytest.mark.parametrize("plain", ["", "Ann Honest", "2027-01-12", "in progress", "north clinic"])
def test_plain_cells_are_left_as_they_are(plain: str) -> None:
    assert _inert(plain) == plain
