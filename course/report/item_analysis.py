"""Item analysis per assignment, with Moodle's formulas (course knowledge base:
``moodle_item_analysis``).

- facility = mean mark / max mark;
- discrimination = corrected item-rest correlation (Pearson, item vs total minus item);
- Cronbach's alpha = p/(p-1) * (1 - sum of item variances / total variance);
- standard error of measurement = SD(total) * sqrt(1 - alpha).
Variances and SDs are sample statistics (n - 1). Only trainees who submitted count;
n is reported with every figure because small cohorts make these noisy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

# An item whose corrected item-rest correlation is below this discriminates poorly.
POOR_DISCRIMINATION = 0.2


@dataclass(frozen=True)
class Reliability:
    assignment: str
    n: int
    items: int
    alpha: float
    sem: float


def score_matrix(submitted: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Trainees x items ("notebook/grade_id") of scores, and each item's max score."""
    rows = submitted.assign(item=submitted["notebook"] + "/" + submitted["grade_id"])
    matrix = rows.pivot_table(index="student_id", columns="item", values="score", aggfunc="sum")
    max_scores = rows.groupby("item")["max_score"].first().reindex(matrix.columns)
    return matrix, max_scores


def _correlation(a: pd.Series, b: pd.Series) -> float:
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return math.nan  # undefined: everyone scored the same
    return float(a.corr(b))


def item_statistics(submitted: pd.DataFrame) -> pd.DataFrame:
    """Per item of one assignment: n, max_score, facility, discrimination, poor flag."""
    matrix, max_scores = score_matrix(submitted)
    total = matrix.sum(axis=1)
    stats = pd.DataFrame({
        "n": matrix.count(),
        "max_score": max_scores,
        "facility": matrix.mean() / max_scores,
        "discrimination": [_correlation(matrix[item], total - matrix[item]) for item in matrix.columns],
    })
    stats["poor_discrimination"] = stats["discrimination"].isna() | (stats["discrimination"] < POOR_DISCRIMINATION)
    return stats.rename_axis("item").reset_index()


def reliability(assignment: str, submitted: pd.DataFrame) -> Reliability:
    """Cronbach's alpha and the standard error of measurement of one assignment."""
    matrix, _ = score_matrix(submitted)
    n, p = matrix.shape
    total = matrix.sum(axis=1)
    if n < 2 or p < 2 or total.var() == 0:
        return Reliability(assignment, n, p, math.nan, math.nan)
    alpha = p / (p - 1) * (1 - matrix.var().sum() / total.var())
    sem = total.std() * math.sqrt(1 - alpha) if alpha <= 1 else math.nan
    return Reliability(assignment, n, p, float(alpha), float(sem))
