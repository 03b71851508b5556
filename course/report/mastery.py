"""Competency views of the scores: mastery per trainee, critical failures, and
facility by scenario parameter. They read the competency tags on grade cells
(``course.assignments.tags``); a missing submission counts as 0 in mastery.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from course.assignments.tags import CellTags

TagMap = Mapping[tuple[str, str, str], CellTags]


KEYS = ["assignment", "notebook", "grade_id"]


def _tag_table(tags: TagMap, column: str, values: Callable[[CellTags], Iterable[Any]]) -> pd.DataFrame:
    """One row per (grade cell, value of ``values(tag)``): a small table to join scores with."""
    rows = [(*key, value) for key, tag in tags.items() for value in values(tag)]
    return pd.DataFrame(rows, columns=[*KEYS, column])


def _tagged(frame: pd.DataFrame, tags: TagMap) -> pd.DataFrame:
    """One row per (score row, competency) for tagged cells (a join, not a loop over scores)."""
    return frame.merge(_tag_table(tags, "competency", lambda tag: tag.competencies), on=KEYS)


def competency_mastery(frame: pd.DataFrame, tags: TagMap) -> pd.DataFrame:
    """Trainees x competencies: share of available marks earned (0..1)."""
    rows = _tagged(frame, tags)
    sums = rows.groupby(["student_id", "competency"])[["score", "max_score"]].sum()
    return (sums["score"] / sums["max_score"]).unstack("competency").sort_index()


def critical_failures(frame: pd.DataFrame, tags: TagMap) -> pd.DataFrame:
    """Every critical grade cell a trainee did not get fully right (or did not submit)."""
    critical = pd.DataFrame([key for key, tag in tags.items() if tag.critical], columns=KEYS)
    rows = frame[frame["score"] < frame["max_score"]].merge(critical, on=KEYS)
    columns = ["student_id", "assignment", "notebook", "grade_id", "score", "max_score", "submitted"]
    return rows[columns].reset_index(drop=True)


def facility_by_parameter(submitted: pd.DataFrame, tags: TagMap) -> pd.DataFrame:
    """Facility of grade cells grouped by each scenario parameter value, per assignment."""
    params = _tag_table(tags, "pair", lambda tag: tag.params.items())
    if not len(params):
        return pd.DataFrame(columns=["assignment", "parameter", "value", "n", "facility"])
    params[["parameter", "value"]] = pd.DataFrame(params.pop("pair").tolist(), index=params.index)
    table = submitted.merge(params, on=KEYS)
    grouped = table.groupby(["assignment", "parameter", "value"])
    result = grouped.agg(n=("score", "size"), score=("score", "sum"), max_score=("max_score", "sum"))
    result["facility"] = result["score"] / result["max_score"]
    return result[["n", "facility"]].reset_index()


def trainees_to_act_on(mastery: pd.DataFrame, pass_marks: Mapping[str, float], critical: pd.DataFrame,
                       frame: pd.DataFrame) -> pd.DataFrame:
    """Every trainee below the pass mark in any competency or with a failed critical item:
    their mastery per competency, how many competencies are below the mark, critical
    items failed and assignments not submitted; most competencies below first."""
    marks = pd.Series({c: pass_marks.get(c, 0.0) for c in mastery.columns}, dtype=float)
    below = mastery.lt(marks, axis="columns").sum(axis="columns")
    failed = critical.groupby("student_id").size().reindex(mastery.index, fill_value=0)
    submitted = frame.groupby(["student_id", "assignment"])["submitted"].any()
    missing = (~submitted).groupby("student_id").sum().reindex(mastery.index, fill_value=0)
    table = mastery.assign(below_pass_mark=below, critical_failed=failed, missing_assignments=missing)
    table = table[(table["below_pass_mark"] > 0) | (table["critical_failed"] > 0)]
    table = table.rename_axis("student_id").reset_index()
    return table.sort_values(["below_pass_mark", "critical_failed", "student_id"], ascending=[False, False, True],
                             ignore_index=True)
