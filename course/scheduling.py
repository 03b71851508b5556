"""Courses of sessions: plan one from a protocol, or check a proposed schedule.

Each seed's protocol is its own knowledge-base entry (``protocols.yaml``); none is
averaged. ``plan_course`` turns a protocol and a first-session date into dated
sessions, a maintenance window, dated pre-treatment steps and aftercare; by
default it uses the fewest sessions at the shortest interval the source allows.
``validate_schedule`` returns every way a list of dates breaks a protocol, each
with a plain message: the graded planning exercises use it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from course import knowledge
from course.dates import add_months
from course.knowledge import schema

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

@dataclass(frozen=True)
class DatedStep:
    id: str
    text: str
    date: date | None  # None: no source gives a number of days
    when: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    protocol: str
    sessions: tuple[date, ...]
    maintenance_from: date
    maintenance_until: date
    pre_treatment: tuple[DatedStep, ...]
    aftercare: tuple[schema.Step, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    session: int | None = None  # 1-based session number the violation is about


# --- dates -------------------------------------------------------------------
def parse_date(value: date | str, what: str = "date") -> date:
    """A ``date`` from a date or a ``"YYYY-MM-DD"`` string; ``ValueError`` otherwise."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{what} {value!r} is not a date in the form YYYY-MM-DD")


def maintenance_months(maintenance: schema.Maintenance) -> tuple[int, int]:
    """Months between maintenance sessions: "1-2 times a year" is every 6-12 months."""
    if maintenance.every_months:
        return maintenance.every_months
    low, high = maintenance.times_per_year  # type: ignore[misc]
    return 12 // high, 12 // low


def protocol(protocol_id: str) -> schema.Protocol:
    protocols = knowledge.load().protocols
    if protocol_id not in protocols:
        raise ValueError(f"unknown protocol '{protocol_id}' (known: {', '.join(protocols)})")
    return protocols[protocol_id]


def session_range(proto: schema.Protocol) -> tuple[int, int] | None:
    """Total sessions the protocol allows, or None when a period decides it."""
    ranges = [phase.sessions for phase in proto.phases if phase.sessions is not None]
    if len(ranges) < len(proto.phases):
        return None
    return sum(low for low, _ in ranges), sum(high for _, high in ranges)


# --- planning ----------------------------------------------------------------
def _phase_dates(phase: schema.Phase, start: date, count: int | None, interval: int | None) -> list[date]:
    if phase.sessions is None:  # as many sessions as fit the period
        step = interval or phase.interval_days[0]  # type: ignore[index]
        end = add_months(start, phase.period_months)  # type: ignore[arg-type]
        return [start + timedelta(days=step * k) for k in range(math.ceil((end - start).days / step))]
    count = count or phase.sessions[0]
    if phase.interval_days:
        step = interval or phase.interval_days[0]
    else:  # only a span is given: spread the sessions evenly over the shortest span
        step = math.ceil(phase.span_days[0] / (count - 1)) if count > 1 else 0  # type: ignore[index]
    return [start + timedelta(days=step * k) for k in range(count)]


def _counted_sessions(phase: schema.Phase, proto_id: str) -> tuple[int, int]:
    """The session range of a phase before the last: only the last may run for a period instead."""
    if phase.sessions is None:
        raise ValueError(f"protocol '{proto_id}': only the last phase may give a period instead of sessions")
    return phase.sessions


def _check_choice(value: int | None, allowed: tuple[int, int] | None, what: str, proto_id: str) -> None:
    if value is not None and (allowed is None or not allowed[0] <= value <= allowed[1]):
        raise ValueError(f"protocol '{proto_id}' allows {what} in {list(allowed) if allowed else 'none'}, got {value}")


def plan_course(
    protocol_id: str, first_session: date | str, *, sessions: int | None = None, interval_days: int | None = None
) -> Plan:
    """Plan a course: session dates, maintenance window, pre-treatment and aftercare.

    ``sessions`` (the total) and ``interval_days`` (of the first phase) may be chosen
    within the protocol's ranges; by default the fewest sessions at the shortest
    interval the source allows.
    """
    proto = protocol(protocol_id)
    first = parse_date(first_session, "first_session")
    _check_choice(sessions, session_range(proto), "sessions", protocol_id)
    _check_choice(interval_days, proto.phases[0].interval_days, "interval_days", protocol_id)
    dates: list[date] = []
    for number, phase in enumerate(proto.phases):
        last = number == len(proto.phases) - 1
        start = first if not dates else dates[-1] + timedelta(days=phase.interval_days[0])  # type: ignore[index]
        fixed = sum(_counted_sessions(p, protocol_id)[0] for p in proto.phases[:-1])
        count = sessions - fixed if (last and sessions) else None
        dates += _phase_dates(phase, start, count, interval_days if number == 0 else None)
    low, high = maintenance_months(proto.maintenance)
    kb = knowledge.load()
    return Plan(
        protocol=protocol_id,
        sessions=tuple(dates),
        maintenance_from=add_months(dates[-1], low),
        maintenance_until=add_months(dates[-1], high),
        pre_treatment=tuple(_dated(step, first) for step in kb.care.pre_treatment),
        aftercare=kb.care.aftercare,
        sources=proto.sources,
    )


def _dated(step: schema.PreTreatmentStep, first: date) -> DatedStep:
    if step.days_before is None:
        return DatedStep(step.id, step.text, None, "before the first session", step.sources)
    day = first - timedelta(days=step.days_before)
    when = "on the day of the first session"
    if step.days_before:
        when = f"{step.days_before} days before the first session"
    return DatedStep(step.id, step.text, day, when, step.sources)


# --- validation --------------------------------------------------------------
def _parse_all(dates: Sequence[date | str]) -> tuple[list[date], list[Violation]]:
    parsed, problems = [], []
    for number, value in enumerate(dates, start=1):
        try:
            parsed.append(parse_date(value, f"session {number}"))
        except ValueError as error:
            problems.append(Violation("bad_date", str(error), number))
    return parsed, problems


def _order(dates: list[date]) -> list[Violation]:
    return [
        Violation("not_in_order", f"session {n + 1} ({later}) is not after session {n} ({earlier})", n + 1)
        for n, (earlier, later) in enumerate(zip(dates, dates[1:]), start=1)
        if later <= earlier
    ]


def _count(proto: schema.Protocol, total: int) -> list[Violation]:
    allowed = session_range(proto)
    if allowed is None:
        return []
    low, high = allowed
    if total < low:
        return [Violation("too_few_sessions", f"the protocol needs at least {low} sessions, got {total}")]
    if total > high:
        return [Violation("too_many_sessions", f"the protocol allows at most {high} sessions, got {total}")]
    return []


def _split(proto: schema.Protocol, dates: list[date]) -> list[tuple[schema.Phase, int, list[date]]]:
    """Assign sessions to phases in order: (phase, number of its first session, dates)."""
    parts, start = [], 0
    for number, phase in enumerate(proto.phases):
        last = number == len(proto.phases) - 1
        end = len(dates) if last else start + phase.sessions[0]  # type: ignore[index]
        parts.append((phase, start + 1, dates[start:end]))
        start = end
    return parts


def _intervals(phase: schema.Phase, first_number: int, dates: list[date], previous: date | None) -> list[Violation]:
    if not phase.interval_days or not dates:
        return []
    low, high = phase.interval_days
    chain = ([previous] if previous else []) + dates
    offset = first_number - (1 if previous else 0)
    problems = []
    for k, (earlier, later) in enumerate(zip(chain, chain[1:])):
        gap, number = (later - earlier).days, offset + k + 1
        if gap < low:
            problems.append(Violation("interval_too_short", f"session {number} comes {gap} days after the one before; "
                                      f"the protocol needs at least {low}", number))
        elif gap > high:
            problems.append(Violation("interval_too_long", f"session {number} comes {gap} days after the one before; "
                                      f"the protocol allows at most {high}", number))
    return problems


def _span(phase: schema.Phase, dates: list[date]) -> list[Violation]:
    if not phase.span_days or len(dates) < 2:
        return []
    low, high = phase.span_days
    span = (dates[-1] - dates[0]).days
    if span < low:
        return [Violation("span_too_short",
                          f"the sessions span {span} days; the protocol spreads them over at least {low}")]
    if span > high:
        return [Violation("span_too_long", f"the sessions span {span} days; the protocol fits them within {high}")]
    return []


def _period(phase: schema.Phase, first_number: int, dates: list[date]) -> list[Violation]:
    if not phase.period_months or not dates:
        return []
    end = add_months(dates[0], phase.period_months)
    problems = [
        Violation("outside_period",
                  f"session {first_number + k} ({day}) falls after the first {phase.period_months} months "
                  f"(until {end})", first_number + k)
        for k, day in enumerate(dates) if day >= end
    ]
    inside = [day for day in dates if day < end]
    longest = phase.interval_days[1] if phase.interval_days else 0
    if inside and (end - inside[-1]).days > longest:
        problems.append(Violation(
            "period_not_covered",
            f"the sessions stop on {inside[-1]}, but the protocol continues every "
            f"{phase.interval_days[0]}-{longest} days until {end}",  # type: ignore[index]
        ))
    return problems


def validate_schedule(protocol_id: str, dates: Sequence[date | str]) -> list[Violation]:
    """Every way ``dates`` (session dates, first to last) break the protocol; [] if none."""
    proto = protocol(protocol_id)
    if isinstance(dates, (str, bytes)) or not isinstance(dates, Sequence):
        return [Violation("not_a_list", "the schedule must be a list of dates in the form YYYY-MM-DD")]
    if not dates:
        return [Violation("empty", "the schedule has no sessions")]
    parsed, problems = _parse_all(dates)
    if problems:
        return problems
    problems = _order(parsed) + _count(proto, len(parsed))
    if problems:
        return problems
    previous: date | None = None
    for phase, first_number, phase_dates in _split(proto, parsed):
        problems += _intervals(phase, first_number, phase_dates, previous)
        problems += _span(phase, phase_dates) + _period(phase, first_number, phase_dates)
        previous = phase_dates[-1] if phase_dates else previous
    return problems


def validate_maintenance(protocol_id: str, last_session: date | str, maintenance: date | str) -> list[Violation]:
    """Whether a first maintenance session falls in the protocol's window after the course."""
    proto = protocol(protocol_id)
    try:
        last, visit = parse_date(last_session, "last session"), parse_date(maintenance, "maintenance")
    except ValueError as error:
        return [Violation("bad_date", str(error))]
    low, high = maintenance_months(proto.maintenance)
    earliest, latest = add_months(last, low), add_months(last, high)
    if visit < earliest:
        return [Violation("maintenance_too_early",
                          f"maintenance on {visit} is before {earliest} ({low} months after the course)")]
    if visit > latest:
        return [Violation("maintenance_too_late",
                          f"maintenance on {visit} is after {latest} ({high} months after the course)")]
    return []
