"""The review's hooks into ``mesocourse report`` and ``mesocourse expiring`` (kept here so
the commands themselves change by a few lines only)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path


def report_retention(report: Path, folder: str, day: str | None) -> int:
    """Append the retention section to the written report; name every unreadable attempts file.

    A wrong date or a missing folder is raised (``DateError``, ``FileNotFoundError``) for
    ``course.cli`` to report, exit status 2; the report is kept as written."""
    from course.dates import parse_day

    from .report import add_to_report

    written, problems = add_to_report(report, folder, parse_day(day, "--date") if day else date.today())
    print(f"retention: section added from {folder}; tables: {', '.join(p.name for p in written)}")
    for problem in problems:
        print(f"warning: attempts file {problem.file} left out: {problem.message}", file=sys.stderr)
    return 0


class RefreshList:
    """For ``mesocourse expiring --attempts DIR``: each trainee's competencies with the
    lowest predicted retention at their certificate's expiry (what to refresh first)."""

    def __init__(self, folder: str, on: date, count: int = 3) -> None:
        from .retention import read_folder

        try:
            records, problems = read_folder(folder)
        except FileNotFoundError as error:
            records, problems = [], []
            print(f"warning: {error.filename}: {error.strerror}: no retention listed", file=sys.stderr)
        self.records = {record.trainee: record for record in records}
        self.problems = {Path(p.file).stem: p for p in problems}
        self.on, self.count = on, count
        for problem in problems:
            print(f"warning: attempts file {problem.file} left out: {problem.message}", file=sys.stderr)

    def line(self, trainee: str, expires: date) -> str:
        from datetime import datetime, time, timezone

        from .retention import lowest, retention_table

        if trainee in self.problems:
            return f"refresh first: unknown (attempts file {self.problems[trainee].file} could not be read)"
        if trainee not in self.records:
            return f"refresh first: unknown (no attempts file {trainee}.json)"
        now = datetime.combine(self.on, time(), tzinfo=timezone.utc)
        weakest = lowest(retention_table([self.records[trainee]], now, expires), trainee, self.count)
        if not weakest:
            return "refresh first: unknown (no reviewed items)"
        listed = ", ".join(f"{competency} {value:.0%}" for competency, value in weakest)
        return f"refresh first (lowest predicted retention on {expires}): {listed}"
