"""Pass marks: fixed ones from the knowledge base, or modified-Angoff cuts from judges.

Modified Angoff: each judge estimates, for every item, the share (0 to 1) of
minimally competent candidates who would earn its marks. An item's cut is the
mean over judges; a competency's cut is the mean of its items' cuts weighted by
their maximum scores. The ratings file is a CSV with one row per judge and item::

    judge,assignment,notebook,grade_id,estimate
    Dr A,ps1,screening,pregnancy,0.8
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.assignments.tags import CellTags
from course.knowledge.schema import Competency

from .chain import Record
from .errors import CertificationError
from .gradebook import ItemKey

COLUMNS = ("judge", "assignment", "notebook", "grade_id", "estimate")
Ratings = dict[ItemKey, dict[str, float]]  # item -> judge -> estimate


@dataclass(frozen=True)
class PassMark:
    value: float  # share of the competency's marks needed, 0-1
    source: str  # where it comes from, in plain words


def item_label(key: ItemKey) -> str:
    """'assignment/notebook/grade_id', the way messages and payloads name an item."""
    return "/".join(key)


def _estimate(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CertificationError(f"{where}, field 'estimate': '{text}' is not a number") from None
    if not 0 <= value <= 1:
        raise CertificationError(
            f"{where}, field 'estimate': {text} is outside 0-1 (give the share of minimally "
            "competent candidates who would earn the item's marks, e.g. 0.7 rather than 70)"
        )
    return value


def _csv_text(path: Path) -> str:
    """The text of a CSV file; refused if it is missing or is not text."""
    if not path.is_file():
        raise CertificationError(f"{path}: file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CertificationError(f"{path}: not a CSV text file (not UTF-8)") from None
    if "\0" in text:
        raise CertificationError(f"{path}: not a CSV text file")
    return text


def read_ratings(path: Path, items: Mapping[ItemKey, CellTags]) -> Ratings:
    """Judges' estimates from a ratings CSV, checked row by row against the course's items."""
    text = _csv_text(path)
    ratings: Ratings = {}
    seen_on: dict[tuple[ItemKey, str], int] = {}
    try:
        with io.StringIO(text, newline="") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            missing = [name for name in COLUMNS if name not in header]
            unknown = [name for name in header if name not in COLUMNS]
            if missing or unknown:
                raise CertificationError(
                    f"{path}, header: expected columns {', '.join(COLUMNS)}"
                    + (f"; missing {', '.join(missing)}" if missing else "")
                    + (f"; unknown {', '.join(unknown)}" if unknown else "")
                )
            reader.fieldnames = header
            for row in reader:
                where = f"{path} row {reader.line_num}"
                cells = {name: (row.get(name) or "").strip() for name in COLUMNS}
                empty = [name for name, value in cells.items() if not value]
                if empty:
                    raise CertificationError(f"{where}, field '{empty[0]}': empty")
                key = (cells["assignment"], cells["notebook"], cells["grade_id"])
                if key not in items:
                    raise CertificationError(f"{where}: item {item_label(key)} "
                                             "is not a grade cell of the course's source notebooks")
                judge = cells["judge"]
                if (key, judge) in seen_on:
                    raise CertificationError(f"{where}: judge '{judge}' already rated {item_label(key)} on row "
                                             f"{seen_on[key, judge]}")
                seen_on[key, judge] = reader.line_num
                ratings.setdefault(key, {})[judge] = _estimate(cells["estimate"], where)
    except csv.Error as error:
        raise CertificationError(f"{path}: not a readable CSV file ({error})") from None
    if not ratings:
        raise CertificationError(f"{path}: no ratings")
    return ratings


def _check_complete(path: Path, ratings: Ratings, items: Mapping[ItemKey, CellTags]) -> list[str]:
    """Every judge must rate every item that carries a competency; returns the judges."""
    judges = sorted({judge for by_judge in ratings.values() for judge in by_judge})
    needed = [key for key, tags in items.items() if tags.competencies and tags.max_score > 0]
    for judge in judges:
        unrated = [item_label(key) for key in needed if judge not in ratings.get(key, {})]
        if unrated:
            raise CertificationError(f"{path}: judge '{judge}' did not rate {len(unrated)} item(s): "
                                     f"{', '.join(unrated)}")
    return judges


def angoff_payload(path: Path, items: Mapping[ItemKey, CellTags]) -> dict[str, Any]:
    """The standard-setting record: judges, item cuts and competency cuts, with the file's hash."""
    ratings = read_ratings(path, items)
    judges = _check_complete(path, ratings, items)
    item_cuts = {key: sum(by_judge.values()) / len(by_judge) for key, by_judge in ratings.items()}
    weighted: dict[str, list[float]] = {}
    for key, cut in item_cuts.items():
        tags = items[key]
        for competency in tags.competencies:
            sums = weighted.setdefault(competency, [0.0, 0.0])
            sums[0] += cut * tags.max_score
            sums[1] += tags.max_score
    return {
        "method": "modified Angoff",
        "file": str(path),
        "file_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "judges": judges,
        "item_cuts": {item_label(key): cut for key, cut in sorted(item_cuts.items())},
        "competency_cuts": {c: marks / total for c, (marks, total) in sorted(weighted.items()) if total > 0},
    }


def course_pass_marks(competencies: Mapping[str, Competency], standard: Record | None) -> dict[str, PassMark]:
    """Each knowledge-base competency's mark (``competencies``: the knowledge base's, by ID), as
    :func:`pass_marks` settles it."""
    return pass_marks({cid: competency.pass_mark for cid, competency in competencies.items()}, standard)


def pass_marks(fixed: Mapping[str, float], standard: Record | None) -> dict[str, PassMark]:
    """Each competency's mark: the latest stored Angoff cut if any, else its fixed mark."""
    marks = {cid: PassMark(value, "fixed pass mark in competencies.yaml") for cid, value in fixed.items()}
    if standard is not None:
        where = (f"modified Angoff cut, registry record {standard.seq} of {standard.recorded_at[:10]} "
                 f"by {standard.recorded_by}")
        for cid, value in standard.data["competency_cuts"].items():
            marks[cid] = PassMark(value, where)
    return marks
