"""Dates, the one module for them: calendar-month arithmetic, and days and periods as the commands take them.

It imports nothing of the course but its errors, and only the standard library's
``datetime`` and ``re``: the trusted grader (:mod:`course.assignments.grader`) grades
schedules with :func:`shift_months` and :func:`month_days`, in exam kernels too, so
the month arithmetic a trainee is graded by is the engines' (:mod:`course.scheduling`).
"""

from __future__ import annotations

import re
from datetime import date

from course.errors import DateError

_PERIOD = re.compile(r"^(\d+)\s*([dw]?)$")


def month_days(year: int, month: int) -> int:
    """How many days ``month`` of ``year`` has (the Gregorian calendar)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def shift_months(year: int, month: int, day: int, months: int) -> tuple[int, int, int]:
    """(year, month, day) moved by whole calendar months, the day clamped to the end of a shorter month."""
    index = month - 1 + months
    year, month = year + index // 12, index % 12 + 1
    return year, month, min(day, month_days(year, month))


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months: the 31st becomes a shorter month's last day."""
    return date(*shift_months(day.year, day.month, day.day, months))


def parse_day(text: str, what: str = "date") -> date:
    """A YYYY-MM-DD day; the error names the option (``what``) and the bad text."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise DateError(f"{what}: '{text}' is not a date of the form YYYY-MM-DD") from None


def parse_period(text: str, what: str = "--within") -> int:
    """A period like ``60d``, ``8w`` or ``60`` (days), as a number of days."""
    match = _PERIOD.match(text.strip().lower())
    if not match:
        raise DateError(f"{what}: '{text}' is not a period like 60d (days) or 8w (weeks)")
    number, unit = int(match.group(1)), match.group(2)
    return number * 7 if unit == "w" else number
