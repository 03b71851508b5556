"""The review's hooks into ``mesocourse report`` and ``mesocourse expiring`` (kept here so
the commands themselves change by a few lines only)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path


def _day(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        raise ValueError(f"--date: '{text}' is not a date in the form YYYY-MM-DD") from None


def report_retention(report: Path, folder: str, day: str | None) -> int:
    """Append the retention section to the written report; name every unreadable attempts file.
    Returns the exit code: 2 when the folder or the date is wrong (the report is kept as written)."""
    from .report import add_to_report

    try:
        written, problems = add_to_report(report, folder, _day(day))
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"retention: section added from {folder}; tables: {', '.join(p.name for p in written)}")
    for problem in problems:
        print(f"warning: attempts file {problem.file} left out: {problem.message}", file=sys.stderr)
    return 0
