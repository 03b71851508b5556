"""The grading report an instructor opens: ``reports/grading-ASSIGNMENT.csv``.

One row per submission, columns exactly ``student_id,status,score,max_score,notes``;
notes in plain words, several joined by "; ". Written atomically, so a reader
never sees half a file.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from .ledger import SubmissionResult

COLUMNS = ("student_id", "status", "score", "max_score", "notes")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def write_gradesheet(path: Path, results: list[SubmissionResult]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for result in sorted(results, key=lambda r: r.student_id):
        writer.writerow([result.student_id, result.status, _number(result.score), _number(result.max_score),
                         "; ".join(result.notes)])
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(temporary, path)
    return path
