"""Planning questions: protocol, session dates, pre-treatment dates and aftercare.

The expected protocol is the knowledge base's protocol of the clinic's source for
the patient's area; the first session is the patient's first free day, deferred
by ``course.screening.screen``'s ``wait_days`` after non-prescribed aspirin. The
session dates are graded by the protocol's phases (frozen from the knowledge base)
with the logic of ``course.scheduling.validate_schedule``; pre-treatment dates by
the days before the first session that ``course.scheduling.plan_course`` gives.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from course import knowledge
from course.assignments.questions import AnswerField, Question
from course.knowledge import schema
from course.scheduling import plan_course
from course.screening import screen

from .common import AssignmentItem, DataError, allowed_help, competencies, names_of

PLANNING_WEIGHTS = {"protocol": 1.0, "sessions": 2.0, "pre_treatment": 1.0, "aftercare": 1.0}


class PlanningItem(AssignmentItem):
    """A synthetic patient to plan a course for.

    ``clinic_source`` is the source whose protocols the clinic follows; ``area`` the
    treated area; ``available_from`` the patient's first free day; ``last_aspirin``
    the day of a last non-prescribed aspirin dose, if any.
    """

    type: Literal["planning"] = "planning"
    who: str
    area: str
    clinic_source: str
    available_from: date
    last_aspirin: date | None = None


def expected_protocol(item: PlanningItem) -> schema.Protocol:
    found = [p for p in knowledge.load().protocols.values()
             if item.clinic_source in p.sources and p.area == item.area]
    if len(found) != 1:
        raise DataError(item, f"{len(found)} protocols of source '{item.clinic_source}' "
                              f"for area '{item.area}': need exactly one")
    return found[0]


def first_session(item: PlanningItem) -> date:
    """The first free day, or later if screening defers the patient for aspirin."""
    if item.last_aspirin is None:
        return item.available_from
    days = (item.available_from - item.last_aspirin).days
    if days < 0:
        raise DataError(item, "last_aspirin is after available_from")
    result = screen({"medications": [{"id": "aspirin", "days_since_last_dose": days}]})
    return item.available_from + timedelta(days=result.wait_days or 0)


def phases(protocol: schema.Protocol) -> tuple[dict[str, object], ...]:
    """The protocol's phases as plain literals for the hidden test."""
    return tuple(
        {"sessions": p.sessions, "interval_days": p.interval_days, "span_days": p.span_days,
         "period_months": p.period_months}
        for p in protocol.phases
    )


def planning_question(item: PlanningItem, title: str) -> Question:
    """Protocol (1 point), sessions (2), pre-treatment dates (1), aftercare (1)."""
    kb = knowledge.load()
    if item.area not in kb.areas:
        raise DataError(item, f"unknown area '{item.area}'")
    protocol, first = expected_protocol(item), first_session(item)
    plan = plan_course(protocol.id, first)
    sessions = [day.isoformat() for day in plan.sessions]
    dated = [step for step in plan.pre_treatment if step.date is not None]
    days_before = {step.id: (first - step.date).days for step in dated}  # type: ignore[operator]
    pre_dates = {step.id: step.date.isoformat() for step in dated}  # type: ignore[union-attr]
    aftercare = [step.id for step in plan.aftercare]
    care_ids = tuple(sorted(aftercare + [step.id for step in kb.care.pre_treatment]))
    name = f"{item.id}_sessions"
    fields = (
        AnswerField(f"{item.id}_protocol", "protocol", "choice", PLANNING_WEIGHTS["protocol"],
                    allowed_help("protocol: one protocol ID, from", kb.protocols), protocol.id, protocol.id,
                    tuple(kb.protocols)),
        AnswerField(name, "session dates", "schedule", PLANNING_WEIGHTS["sessions"],
                    'sessions: a list of session dates in order, e.g. ["2025-03-03", "2025-03-17"]',
                    tuple(sessions), sessions, extra={"phases": phases(protocol), "first": first.isoformat()}),
        AnswerField(f"{item.id}_pre_treatment", "pre-treatment dates", "pre_treatment",
                    PLANNING_WEIGHTS["pre_treatment"],
                    'pre_treatment: the date of each step, "YYYY-MM-DD"', pre_dates, pre_dates,
                    extra={"keys": tuple(days_before), "days_before": days_before, "first": first.isoformat(),
                     "sessions_field": name}),
        AnswerField(f"{item.id}_aftercare", "aftercare", "id_set", PLANNING_WEIGHTS["aftercare"],
                    allowed_help("aftercare: a list of the aftercare advice IDs to give after each session, from",
                                 care_ids),
                    tuple(aftercare), aftercare, care_ids),
    )
    aspirin = (f" The patient took aspirin (not prescribed) on {item.last_aspirin.isoformat()}."
               if item.last_aspirin else "")
    steps = "\n".join(f"- `{step.id}`: {step.text}" for step in dated)
    prompt = (
        f"### {title}\n{item.who} Area: {names_of('area')[item.area]} (`{item.area}`). "
        f"Your clinic follows the protocols of `{item.clinic_source}`. The patient can come from "
        f"{item.available_from.isoformat()} ({item.available_from:%A}) and wants to start as early as "
        f"possible.{aspirin}\n\nChoose the protocol, plan the sessions (any schedule the protocol allows), "
        f"date these pre-treatment steps:\n{steps}\n\nand list the aftercare advice to give."
    )
    params = {"protocol": protocol.id, "deferred": "yes" if first != item.available_from else "no", **item.params}
    return Question(item.id, title, prompt, fields, competencies(item, "scheduling"), item.critical, params)
