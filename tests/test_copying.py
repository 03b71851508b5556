"""Copying does not pay: real `mesocourse release`, real `mesocourse grade`, real certification.

A throwaway course is released with the course's variants. ann answers her own variant of
every assignment right; each other trainee hands in ann's notebook:

- a twin per assignment, with ann's variant of it (the control): full marks;
- copier and other, whose variants differ from ann's in every assignment: less than half
  the points of each assignment, and copier, with observed practice recorded like ann's,
  is not certified (a critical item fails), where ann is.

The figure every pair of variants gives is what `mesocourse release` reports; it is checked
here over all pairs through the grader's own rules, and on real grading for these trainees.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from grading_support import hand_in, release_real_course

from course.assignments import ASSIGNMENTS
from course.assignments.allocation import course_variant
from course.assignments.copying import copy_report
from course.assignments.variants import load_variants
from course.certification.cohort_certification import certify_cohort
from course.certification.observation import observation_payload, record_observations
from course.coursedir import Course
from course.grading import grade_cohort
from course.nbgrader_api import put_python_tools_on_path

pytestmark = [pytest.mark.slow]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_no_two_variants_let_a_copy_earn_half_the_points(name: str) -> None:
    report = copy_report(name, load_variants(name).variants)
    assert report.variants == 8 and report.worst < 0.5, report.line()


def _trainees(root: Path) -> dict[str, str]:
    """ann; copier and other (a variant unlike ann's, and unlike each other's, in every
    assignment); twin_<assignment> (ann's variant of that assignment)."""
    def variant(trainee: str, name: str) -> int:
        return course_variant(Course(root), name, trainee, 8)

    pool = [f"t{n:03d}" for n in range(400)]
    copier = next(t for t in pool if all(variant(t, a) != variant("ann", a) for a in ASSIGNMENTS))
    other = next(t for t in pool if all(variant(t, a) not in (variant("ann", a), variant(copier, a))
                                        for a in ASSIGNMENTS))
    twins = {f"twin_{a}": next(t for t in pool if t not in (copier, other) and variant(t, a) == variant("ann", a))
             for a in ASSIGNMENTS}
    return {"ann": "ann", "copier": copier, "other": other, **twins}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    put_python_tools_on_path()
    root = tmp_path_factory.mktemp("copying") / "course"
    assert "earns at most" in release_real_course(root)  # the release reports what a copy earns
    ids = _trainees(root)
    totals: dict[str, dict[str, float]] = {}
    for name in ASSIGNMENTS:
        anns = load_variants(name).answers(course_variant(Course(root), name, "ann", 8))
        for role in ("ann", "copier", "other", f"twin_{name}"):
            hand_in(root, name, ids[role], anns)
        results = grade_cohort(Course(root), name, workers=2)
        by_id = {r.student_id: r for r in results}
        assert {r.status for r in results} == {"graded"}, [(r.student_id, r.status) for r in results]
        totals[name] = {role: by_id[ids[role]].score for role in ("ann", "copier", "other", f"twin_{name}")}
    return {"root": root, "ids": ids, "totals": totals}


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_a_copy_from_another_variant_earns_less_than_half_and_a_same_variant_copy_full_marks(graded, name: str) -> None:
    full = load_variants(name).written.points
    totals = graded["totals"][name]
    assert totals["ann"] == full and totals[f"twin_{name}"] == full  # the control
    assert totals["copier"] < full / 2 and totals["other"] < full / 2, totals


def test_the_certification_copy_is_not_certified(graded) -> None:
    course = Course.open(graded["root"])
    registry = f"sqlite:///{course.registry_file}"
    ann, copier = graded["ids"]["ann"], graded["ids"]["copier"]
    payloads = [observation_payload(trainee, procedure, "Dr A", 4, date(2026, 11, 1))
                for trainee in (ann, copier)
                for procedure, count in (("consultation_screening", 2), ("facial_session", 3)) for _ in range(count)]
    record_observations(registry, "test", payloads, course=course)
    outcomes = {o.trainee.id: o for o in certify_cohort(course, registry, by="test", on=date(2026, 12, 1))}
    assert outcomes[ann].outcome == "certified"
    assert outcomes[copier].outcome == "not yet certified"
    assert any("critical item" in line for line in outcomes[copier].explanation), outcomes[copier].explanation
