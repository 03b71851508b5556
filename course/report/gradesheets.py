"""What grading said about each submission: the flagged and failed rows of the grading sheets.

``mesocourse grade`` writes ``reports/grading-ASSIGNMENT.csv`` with a status and notes
per submission (``course.grading.gradesheet``); the report shows every submission
that was not simply ``graded`` (repaired, neutralised, cut short or not gradable),
so that an instructor reads its score knowing why.
"""

from __future__ import annotations

import pandas as pd

from course.coursedir import Course

COLUMNS = ["assignment", "student_id", "status", "score", "max_score", "notes"]


def grading_notes(course: Course) -> pd.DataFrame:
    """One row per flagged or failed submission in the course's grading sheets."""
    frames = []
    for path in sorted(course.reports.glob(course.gradesheet("*").name)):
        sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
        if not {"student_id", "status", "notes"} <= set(sheet.columns):
            continue  # not a grading sheet
        frames.append(sheet.assign(assignment=path.stem.removeprefix("grading-")))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    sheets = pd.concat(frames, ignore_index=True)
    return sheets[sheets["status"] != "graded"].reindex(columns=COLUMNS).reset_index(drop=True)
