"""The demo's synthetic cohort: shares, seeding, persona error patterns, faults."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from course.assignments.build import ASSIGNMENTS, load_assignment
from course.demo.personas import PERSONAS, answer, misformat, wrong_answer
from course.demo.synthetic_cohort import FAULTS, break_notebook, roster

REPO = Path(__file__).resolve().parents[1]


def test_roster_shares_and_faults():
    trainees = roster(200, seed=1)
    assert len(trainees) == 200 and len({t.id for t in trainees}) == 200
    personas = Counter(t.persona for t in trainees if not t.fault)
    assert personas["average"] > personas["strong"] > personas["careless"] > 0
    assert [t.fault for t in trainees if t.fault] == list(FAULTS)


def test_roster_is_seeded():
    assert roster(40, seed=3) == roster(40, seed=3)
    assert roster(40, seed=3) != roster(40, seed=4)


def test_small_cohorts():
    assert [t.fault for t in roster(3)] == ["", "", ""]
    assert len(roster(1)) == 1


def all_fields():
    for name in ASSIGNMENTS:
        for question in load_assignment(name).questions:
            for field in question.fields:
                yield question, field


@pytest.mark.parametrize("seed", range(3))
def test_wrong_answers_are_wrong_and_of_the_right_type(seed):
    rng = random.Random(seed)
    for _, field in all_fields():
        wrong = wrong_answer(field, rng)
        assert type(wrong) is type(field.solution), field.name
        if field.kind != "choice" or len(field.allowed) > 1:
            assert wrong != field.solution, field.name


def test_careless_persona_misses_contraindications():
    careless, rng = PERSONAS["careless"], random.Random(0)
    screening = load_assignment("screening").questions
    for question in screening:
        for field in question.fields:
            given = answer(careless, question, field, rng)
            assert given in ("proceed", []), (field.name, given)


def test_misformat_keeps_the_idea_but_breaks_the_form():
    rng = random.Random(0)
    assert misformat("2027-03-01", rng) == "01/03/2027"
    assert misformat("decline", rng) == "Decline"
    assert misformat(2.5, rng) == "2.5 mm"
    assert misformat(["a", "b"], rng) == "a, b"


@pytest.mark.parametrize("fault", [f for f in FAULTS if f != "not_a_notebook"])
def test_each_fault_is_in_the_notebook(fault):
    release = nbformat.read(REPO / "release" / "depth" / "depth.ipynb", as_version=4)
    broken = break_notebook(release, fault)
    grade_ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in broken.cells]
    original = [c.metadata.get("nbgrader", {}).get("grade_id") for c in release.cells]
    if fault == "duplicated_test_cell":
        assert len(grade_ids) == len(original) + 1 and len(set(grade_ids)) == len(set(original))
        assert len({c.get("id") for c in broken.cells}) == len(broken.cells)  # as JupyterLab pastes it
    elif fault == "deleted_test_cell":
        assert len(broken.cells) == len(release.cells) - 1
    else:
        assert len(broken.cells) == len(release.cells) + 1
        assert any("while True" in c.source or "print" in c.source or "gradebook" in c.source
                   for c in broken.cells if c.cell_type == "code" and not c.metadata.get("nbgrader"))
