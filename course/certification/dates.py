"""Dates as the commands take them: ISO days, month arithmetic, periods like ``60d``."""

from __future__ import annotations

import calendar
import re
from datetime import date

from .errors import CertificationError

_PERIOD = re.compile(r"^(\d+)\s*([dw]?)$")


def parse_day(text: str, what: str = "date") -> date:
    """A YYYY-MM-DD day; the error names the option (``what``) and the bad text."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise CertificationError(f"{what}: '{text}' is not a date of the form YYYY-MM-DD") from None


def parse_period(text: str) -> int:
    """A period like ``60d``, ``8w`` or ``60`` (days), as a number of days."""
    match = _PERIOD.match(text.strip().lower())
    if not match:
        raise CertificationError(f"--within: '{text}' is not a period like 60d (days) or 8w (weeks)")
    number, unit = int(match.group(1)), match.group(2)
    return number * 7 if unit == "w" else number


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months; the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
