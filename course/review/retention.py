"""Predicted retention from trainees' attempts files: per competency, now and at a later date.

An instructor collects each trainee's attempts file into one folder as
``<trainee>.json``. For every item a trainee has reviewed, FSRS predicts the
probability of recalling it at a given moment (its retrievability); a
competency's predicted retention is the mean over the items reviewed in it.
Items never answered have no prediction and are not counted: ``items_reviewed``
says how many were. A file that cannot be read is reported by name and skipped.

The recertification date is when a certificate issued on the report's day would
expire (``validity_months`` in ``certification.yaml``), unless a date is given
(``mesocourse expiring`` gives each certificate's own expiry).
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from course import knowledge
from course.dates import add_months
from course.progress import Attempt, AttemptsError, AttemptStore

from .cards import DEFAULT_RETENTION, replay, retrievability

if TYPE_CHECKING:
    import pandas

COLUMNS = ["trainee", "competency", "name", "items_reviewed", "reviews", "retention_now",
           "retention_at_recertification", "recertification_date"]


@dataclass(frozen=True)
class TraineeRecord:
    """One trainee's attempts file, read."""

    trainee: str
    attempts: list[Attempt]
    target_retention: float


@dataclass(frozen=True)
class Problem:
    """An attempts file that could not be read: its name and why."""

    file: str
    message: str


def read_folder(folder: Path | str) -> tuple[list[TraineeRecord], list[Problem]]:
    """Every ``<trainee>.json`` in ``folder``; a bad file becomes a :class:`Problem`, not an error."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, "the attempts folder does not exist", str(folder))
    records, problems = [], []
    for path in sorted(folder.glob("*.json")):
        try:
            attempts, settings = AttemptStore(path).read()
        except AttemptsError as error:
            problems.append(Problem(path.name, str(error).removeprefix(f"{path}: ")))
            continue
        records.append(TraineeRecord(path.stem, attempts, settings.get("target_retention", DEFAULT_RETENTION)))
    return records, problems


def recertification_date(on: date) -> date:
    """When a certificate issued on ``on`` expires (``validity_months``)."""
    return add_months(on, knowledge.load().certification.validity_months)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def competency_rows(record: TraineeRecord, now: datetime, later: date) -> list[dict[str, object]]:
    """One row per competency of the knowledge base for one trainee (NaN where nothing was reviewed)."""
    cards = replay(record.attempts, record.target_retention)
    rows = []
    for competency in knowledge.load().competencies.values():
        mine = [c for c in cards.values() if c.competency == competency.id]
        now_values = [retrievability(c, now, record.target_retention) for c in mine]
        later_values = [retrievability(c, _moment(later), record.target_retention) for c in mine]
        rows.append({
            "trainee": record.trainee, "competency": competency.id, "name": competency.name,
            "items_reviewed": len(mine), "reviews": sum(c.reviews for c in mine),
            "retention_now": sum(now_values) / len(mine) if mine else float("nan"),
            "retention_at_recertification": sum(later_values) / len(mine) if mine else float("nan"),
            "recertification_date": later.isoformat(),
        })
    return rows


def retention_table(records: Iterable[TraineeRecord], now: datetime, later: date | None = None) -> "pandas.DataFrame":
    """Trainee x competency: items reviewed, reviews, predicted retention now and at ``later``."""
    import pandas

    later = later or recertification_date(now.date())
    rows = [row for record in records for row in competency_rows(record, now, later)]
    return pandas.DataFrame(rows, columns=COLUMNS)


def weighted(rows: "pandas.DataFrame", column: str) -> float:
    """The mean of ``column`` over every reviewed item (competency means weighted by items reviewed)."""
    reviewed = rows[rows.items_reviewed > 0]
    total = reviewed.items_reviewed.sum()
    return float((reviewed[column] * reviewed.items_reviewed).sum() / total) if total else float("nan")


def trainee_view(table: "pandas.DataFrame") -> "pandas.DataFrame":
    """One row per trainee: items reviewed, retention now and at recertification, the weakest competency."""
    import pandas

    rows = []
    for trainee, mine in table.groupby("trainee", sort=True):
        reviewed = mine[mine.items_reviewed > 0]
        weakest = reviewed.sort_values(["retention_at_recertification", "competency"]).head(1)
        rows.append({
            "trainee": trainee, "items_reviewed": int(mine.items_reviewed.sum()), "reviews": int(mine.reviews.sum()),
            "retention_now": weighted(mine, "retention_now"),
            "retention_at_recertification": weighted(mine, "retention_at_recertification"),
            "weakest_competency": weakest.competency.iloc[0] if len(weakest) else "",
        })
    return pandas.DataFrame(rows, columns=["trainee", "items_reviewed", "reviews", "retention_now",
                                           "retention_at_recertification", "weakest_competency"])


def cohort_view(table: "pandas.DataFrame") -> "pandas.DataFrame":
    """One row per competency: trainees who reviewed it, items reviewed, mean predicted retention."""
    import pandas

    rows = []
    for competency in knowledge.load().competencies.values():
        mine = table[(table.competency == competency.id) & (table.items_reviewed > 0)]
        rows.append({
            "competency": competency.id, "name": competency.name, "trainees": len(mine),
            "items_reviewed": int(mine.items_reviewed.sum()),
            "retention_now": weighted(mine, "retention_now"),
            "retention_at_recertification": weighted(mine, "retention_at_recertification"),
        })
    return pandas.DataFrame(rows)


def lowest(table: "pandas.DataFrame", trainee: str, count: int = 3) -> list[tuple[str, float]]:
    """The trainee's ``count`` competencies with the lowest predicted retention at the table's later date."""
    mine = table[(table.trainee == trainee) & (table.items_reviewed > 0)]
    mine = mine.sort_values(["retention_at_recertification", "competency"]).head(count)
    return list(zip(mine.competency, mine.retention_at_recertification))


class RefreshList:
    """For ``mesocourse expiring --attempts DIR``: each trainee's competencies with the
    lowest predicted retention at their certificate's expiry (what to refresh first)."""

    def __init__(self, folder: str, on: date, count: int = 3) -> None:
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
