"""Course-planning items: a protocol and a first session, answered by ``course.scheduling``.

Parameters: ``protocol`` and ``first_session`` (a date). Asks: ``next_session`` (the
earliest date of session 2) and ``maintenance`` (the first day of the window for the
first maintenance session). Each answer comes from ``plan_course`` and is confirmed by
the validators the graded planning assignment uses: the answer is accepted and the
day before it is refused. A protocol where the day before would also be accepted
(sessions spread over a span, with no interval) has no single earliest date, so a
template that can draw it is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from course import scheduling

from .common import Ambiguous, Built, Spec, choice_item

PARAMETERS = ("protocol", "first_session")
ASKS = ("next_session", "maintenance")
DAY = timedelta(days=1)


def _options(answer: date, others: list[date]) -> list[tuple[str, str]]:
    days = sorted({answer, *others})
    return [(day.isoformat(), f"{day:%A} {day.isoformat()}") for day in days]


def _next_session(spec: Spec, plan: scheduling.Plan, stem: str) -> Built:
    if len(plan.sessions) < 2:
        raise Ambiguous(f"protocol '{plan.protocol}' plans a single session: there is no session 2")
    first, answer, rest = plan.sessions[0], plan.sessions[1], list(plan.sessions[2:])
    if scheduling.validate_schedule(plan.protocol, [first, answer, *rest]):
        raise Ambiguous(f"the engine refuses its own plan for '{plan.protocol}'")
    if not scheduling.validate_schedule(plan.protocol, [first, answer - DAY, *rest]):
        raise Ambiguous(f"protocol '{plan.protocol}' also accepts session 2 on {answer - DAY}: no single earliest date")
    gap = (answer - first).days
    explanation = (f"By the engine: the protocol's shortest interval puts session 2 {gap} days after the first, on "
                   f"{answer}; a day earlier breaks the protocol.")
    return choice_item(spec, f"{stem} What is the earliest date for session 2?",
                       _options(answer, [answer - DAY, answer + DAY, answer + 7 * DAY]), answer.isoformat(),
                       explanation, plan.sources)


def _maintenance(spec: Spec, plan: scheduling.Plan, stem: str) -> Built:
    last, answer = plan.sessions[-1], plan.maintenance_from
    if scheduling.validate_maintenance(plan.protocol, last, answer) or \
            not scheduling.validate_maintenance(plan.protocol, last, answer - DAY):
        raise Ambiguous(f"the maintenance window of '{plan.protocol}' does not open on {answer}")
    explanation = (f"By the engine: the course ends on {last}; the first maintenance session may be given from "
                   f"{answer} until {plan.maintenance_until}.")
    others = [answer - DAY, scheduling.add_months(answer, -1), scheduling.add_months(answer, 1)]
    return choice_item(spec, f"{stem} The course is planned with the fewest sessions at the shortest interval: "
                       f"its last session is on {last}. From which date may the first maintenance session be given?",
                       _options(answer, others), answer.isoformat(), explanation, plan.sources)


def build(spec: Spec, parameters: Mapping[str, Any]) -> Built:
    proto = scheduling.protocol(parameters["protocol"])
    plan = scheduling.plan_course(proto.id, parameters["first_session"])
    stem = f"Protocol: {proto.name}. First session: {plan.sessions[0]:%A} {plan.sessions[0]}."
    return (_next_session if spec.ask == "next_session" else _maintenance)(spec, plan, stem)
