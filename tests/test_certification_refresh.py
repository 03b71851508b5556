"""Which competencies to refresh first (the clinic manager's page), from real graded work and real decisions.

A real nbgrader course is certified through the real command: Ann passes everything
(complications is her weakest, 10 points above its mark of 70%); Bo and Bea have the same
gaps (screening 30 points below its 80%, depth 20 below its 70%, technique 10 below its
60%); Dee is enrolled but submitted nothing. The per-competency figures must be the ones
the certification decisions recorded.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from certification_builders import FULL, Trainee, build_course, observe_all

from course.certification.refresh import (
    GRADED_WORK,
    clinic_refresh,
    decided,
    graded_work,
    refresh_first,
    staff_evidence,
)
from course.certification.registry import Registry
from course.certification.standing import standings
from course.cli import main
from course.coursedir import Course

GAPS = {**FULL, "screen_a": 0.0, "screen_b": 5.0, "depth": 5.0}  # screening 50%, depth and technique 50%
PEOPLE = {"ann": {"name": "Ann Honest"}, "bea": {"name": "Bea Gap"}, "bo": {"name": "Bo Gap"},
          "dee": {"name": "Dee Late"}}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    root = build_course(tmp_path_factory.mktemp("refresh") / "course", [
        Trainee("ann", "Ann", "Honest", scores={**FULL, "aftercare": 4.0}),
        Trainee("bea", "Bea", "Gap", scores=dict(GAPS)), Trainee("bo", "Bo", "Gap", scores=dict(GAPS)),
        Trainee("dee", "Dee", "Late", submitted=())])
    observe_all(registry(root), "ann", day=date.today().isoformat(), course=root)
    assert main(["certify", "--course", str(root), "--by", "Ines"]) == 0
    return Course(root)


def registry(root: Path) -> str:
    return f"sqlite:///{root / 'certification' / 'registry.db'}"


def records(course: Course) -> list:
    with Registry(registry(course.root), create=False) as opened:
        return opened.records()


def test_graded_work_gives_the_figures_the_decisions_recorded(course: Course) -> None:
    work, decisions = graded_work(course, records(course)), decided(records(course))
    assert set(work) == {"ann", "bea", "bo"}  # Dee submitted nothing
    assert set(decisions) == {"ann", "bea", "bo", "dee"}
    for trainee, evidence in work.items():
        assert evidence.source == GRADED_WORK
        recorded = {r.id: (r.score, r.max_score, r.mark.value) for r in decisions[trainee].results}
        assert {r.id: (r.score, r.max_score, r.mark.value) for r in evidence.results} == recorded
    assert decisions["ann"].source.startswith(f"certification decision of {date.today()} (registry record ")


def test_each_member_refreshes_what_is_below_its_mark_furthest_first_else_the_weakest(course: Course) -> None:
    rows = standings(records(course), PEOPLE, date.today(), 60)
    evidence, unread = staff_evidence(course, records(course))
    assert unread == ""
    found = refresh_first(rows, evidence)
    per_member: dict[str, list[tuple[str, int]]] = {}
    for refresh in found:
        per_member.setdefault(refresh.standing.trainee, []).append(
            (refresh.result.id, round(refresh.shortfall * 100)))
    assert per_member["bo"] == [("screening", 30), ("depth", 20), ("technique", 10)]
    assert per_member["ann"] == [("complications", -10)]  # all passed: her weakest, 10 points above
    # Dee's decision counted her missing work as 0: every assessed competency, by its whole mark
    assert per_member["dee"] == [("screening", 80), ("complications", 70), ("depth", 70), ("consultation", 60),
                                 ("technique", 60)]
    assert {r.source for r in found if r.standing.trainee == "dee"} == {evidence["dee"].source}
    assert [r.shortfall for r in found] == sorted((r.shortfall for r in found), reverse=True)


def test_equal_gaps_go_by_the_soonest_certificate_end(course: Course) -> None:
    rows = {row.trainee: row for row in standings(records(course), PEOPLE, date.today(), 60)}
    bea, bo = rows["bea"], rows["bo"]
    evidence, _ = staff_evidence(course, records(course))
    later, sooner = replace(bea, until="2027-06-01"), replace(bo, until="2027-01-15")
    order = [(r.standing.trainee, r.result.id) for r in refresh_first([later, sooner], evidence)]
    assert order[:2] == [("bo", "screening"), ("bea", "screening")]  # same 30 points: Bo's ends first
    assert refresh_first([bea], {}) == []  # no graded work and no decision: nothing to say


def test_the_clinic_refreshes_first_the_competency_furthest_below(course: Course) -> None:
    people = {t: p for t, p in PEOPLE.items() if t != "dee"}
    evidence, _ = staff_evidence(course, records(course))
    whole = clinic_refresh(refresh_first(standings(records(course), people, date.today(), 60), evidence))
    assert [c.competency for c in whole] == ["screening", "depth", "technique", "complications"]
    assert [len(c.below) for c in whole] == [2, 2, 2, 0]  # complications: Ann's weakest, above its mark
    assert [r.standing.trainee for r in whole[0].staff] == ["bea", "bo"]
    assert whole[0].name == "Screens a patient for contraindications and decides what to do"


def test_without_a_readable_gradebook_the_decisions_speak_and_the_reason_is_given(course: Course,
                                                                                  tmp_path: Path) -> None:
    elsewhere = Course(tmp_path)  # no gradebook, no source notebooks
    evidence, unread = staff_evidence(elsewhere, records(course))
    assert unread and str(tmp_path) in unread
    assert evidence == decided(records(course))
