"""The report's exam-log section: what happened in each trainee's exam sessions, from the course's
exam log (``COURSE/exam-log.jsonl``, :mod:`course.exam_record`).

One summary row per trainee (refused requests counted, those with any listed first), then each
trainee's events in time order: open, start, every refused request (terminal, kernel, path,
upload, file), hand-in and close.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from course.exam_record import trainee_timelines

COLUMNS = ("trainee", "time", "event", "exam", "what", "detail")
HEADINGS = {"time": "Time (UTC)", "event": "Event", "exam": "Exam", "what": "Refused request", "detail": "Detail"}


def exam_log_table(events: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Every trainee's exam events in time order, one row each (the section's CSV)."""
    rows = [{"trainee": trainee, **row} for trainee, timeline in trainee_timelines(events).items() for row in timeline]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def exam_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per trainee: refused requests, hand-ins, first and last event; those refused something first."""
    rows = [{"Trainee": trainee, "Refused requests": int((rows["event"] == "refused").sum()),
             "Hand-ins": int((rows["event"] == "hand-in").sum()), "Exams": ", ".join(sorted(set(rows["exam"]))),
             "First event": rows["time"].iloc[0], "Last event": rows["time"].iloc[-1]}
            for trainee, rows in table.groupby("trainee", sort=True)]
    summary = pd.DataFrame(rows)
    return summary.sort_values(["Refused requests", "Trainee"], ascending=[False, True], kind="stable")


def exam_log_line(table: pd.DataFrame) -> str:
    """What ``mesocourse report`` prints of the exam log: who sat exam sessions, who was refused what."""
    if not len(table):
        return "exam log: none (no exam was sat under an exam session)"
    summary = exam_summary(table)
    refused = summary[summary["Refused requests"] > 0]
    named = ", ".join(f"{t} {n}" for t, n in zip(refused["Trainee"], refused["Refused requests"]))
    return (f"exam log: {len(summary)} trainee(s) in exam sessions, {len(refused)} with refused requests"
            + (f" ({named})" if named else ""))
