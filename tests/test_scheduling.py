"""course.scheduling: every protocol's own plan passes its validator; bad schedules fail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from course import knowledge
from course.scheduling import add_months, plan_course, session_range, validate_maintenance, validate_schedule

PROTOCOLS = ["face_004", "face_002", "general_000", "body_004", "hair_004"]
FIRST = date(2027, 1, 29)  # near a month end, to exercise month arithmetic


def codes(violations):
    return [v.code for v in violations]


def test_each_seed_protocol_is_its_own_entry():
    kb = knowledge.load()
    assert set(PROTOCOLS) <= set(kb.protocols)
    assert kb.protocols["face_004"].sources == ("seed_004",)
    assert kb.protocols["face_002"].sources == ("seed_002",)
    assert kb.protocols["general_000"].sources == ("seed_000",)


@pytest.mark.parametrize("protocol_id", PROTOCOLS)
def test_default_plan_passes_its_validator(protocol_id):
    plan = plan_course(protocol_id, FIRST)
    assert plan.sessions[0] == FIRST
    assert validate_schedule(protocol_id, plan.sessions) == []
    assert validate_schedule(protocol_id, [d.isoformat() for d in plan.sessions]) == []
    assert validate_maintenance(protocol_id, plan.sessions[-1], plan.maintenance_from) == []
    assert validate_maintenance(protocol_id, plan.sessions[-1], plan.maintenance_until) == []


@pytest.mark.parametrize("protocol_id", ["face_004", "general_000", "body_004"])
def test_every_allowed_session_count_plans_a_valid_course(protocol_id):
    low, high = session_range(knowledge.load().protocols[protocol_id])
    for count in range(low, high + 1):
        plan = plan_course(protocol_id, FIRST, sessions=count)
        assert len(plan.sessions) == count
        assert validate_schedule(protocol_id, plan.sessions) == []


def test_face_002_shape():
    sessions = plan_course("face_002", "2027-01-04", interval_days=14).sessions
    gaps = [(b - a).days for a, b in zip(sessions, sessions[1:])]
    assert gaps == [14, 14, 14, 28, 28]


def test_hair_plan_covers_six_months():
    plan = plan_course("hair_004", "2027-01-01")
    assert all(d < date(2027, 7, 1) for d in plan.sessions)
    assert (date(2027, 7, 1) - plan.sessions[-1]).days <= 42


def test_pre_treatment_steps_are_dated_from_the_first_session():
    steps = {s.id: s for s in plan_course("face_004", "2027-03-15").pre_treatment}
    assert steps["stop_aspirin_nsaid"].date == date(2027, 3, 1)
    assert steps["no_makeup_perfume"].date == date(2027, 3, 15)
    assert steps["consultation"].date is None and "before" in steps["consultation"].when


def test_maintenance_window_from_times_per_year():
    plan = plan_course("general_000", "2027-01-01")
    assert plan.maintenance_from == add_months(plan.sessions[-1], 6)
    assert plan.maintenance_until == add_months(plan.sessions[-1], 12)


@pytest.mark.parametrize(
    ("protocol_id", "gaps", "expected"),
    [
        ("body_004", [15, 15, 15, 15], ["too_few_sessions"]),
        ("body_004", [15] * 8, ["too_many_sessions"]),
        ("body_004", [15, 15, 14, 15, 15], ["interval_too_short"]),
        ("body_004", [15, 15, 15, 16, 15], ["interval_too_long"]),
        ("general_000", [14, 14, 7, 14, 14], ["interval_too_short"]),
        ("face_004", [5, 5], ["span_too_short"]),
        ("face_004", [10, 10, 10], ["span_too_long"]),
        ("face_002", [7, 7, 7, 21, 28], ["interval_too_short"]),
        ("face_002", [7, 15, 7, 28, 28], ["interval_too_long"]),
        ("face_002", [7, 7, 7, 28, 28, 28], ["too_many_sessions"]),
        ("hair_004", [28, 28], ["period_not_covered"]),
        ("hair_004", [28, 20, 28, 28, 28, 28], ["interval_too_short"]),
        ("hair_004", [42, 42, 42, 42, 42], ["outside_period"]),
    ],
)
def test_known_bad_schedules_fail_with_the_right_violation(protocol_id, gaps, expected):
    dates = [FIRST]
    for gap in gaps:
        dates.append(dates[-1] + timedelta(days=gap))
    found = validate_schedule(protocol_id, dates)
    assert codes(found) == expected
    assert all(v.message for v in found)


def test_violation_names_the_session():
    dates = ["2027-01-01", "2027-01-16", "2027-01-20", "2027-02-04", "2027-02-19", "2027-03-06"]
    (violation,) = validate_schedule("body_004", dates)
    assert violation.session == 3 and "4 days" in violation.message


@pytest.mark.parametrize(
    ("dates", "code"),
    [([], "empty"), ("2027-01-01", "not_a_list"), (["2027-01-01", "01/02/2027"], "bad_date"),
     (["2027-02-30"], "bad_date"), (["2027-01-01", "2027-01-01"], "not_in_order"),
     (["2027-01-16", "2027-01-01"], "not_in_order")],
)
def test_malformed_schedules(dates, code):
    assert code in codes(validate_schedule("face_004", dates))


def test_every_violation_is_reported_not_just_the_first():
    dates = [FIRST + timedelta(days=d) for d in (0, 10, 13, 30, 31, 32)]
    assert len(validate_schedule("body_004", dates)) == 5


def test_maintenance_too_early_and_late():
    assert codes(validate_maintenance("body_004", "2027-01-31", "2027-05-30")) == ["maintenance_too_early"]
    assert validate_maintenance("body_004", "2027-01-31", "2027-05-31") == []
    assert codes(validate_maintenance("body_004", "2027-01-31", "2027-06-01")) == ["maintenance_too_late"]


def test_plan_rejects_choices_outside_the_protocol():
    with pytest.raises(ValueError, match="sessions"):
        plan_course("face_004", FIRST, sessions=5)
    with pytest.raises(ValueError, match="interval_days"):
        plan_course("face_002", FIRST, interval_days=20)
    with pytest.raises(ValueError, match="unknown protocol"):
        plan_course("face_999", FIRST)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        plan_course("face_004", "next monday")


def test_add_months_clamps_to_month_end():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
