"""Fairness across variants: is one trainee's variant of an item harder than the others?

For every item (grade cell) of an assignment built with variants, the report shows
each variant's n and facility (mean mark / max mark), and tests the variant against
all the other variants pooled: Fisher's exact test (two-sided) on the 2 x 2 table

    ==============  ===========  ===============
                    full marks   not full marks
    this variant        a              b
    the rest            c              d
    ==============  ===========  ===============

The p-value sums the hypergeometric probabilities of every table with the same
margins that is no more likely than the one observed (as R's ``fisher.test`` and
SciPy's ``fisher_exact``). Because one report runs many such tests (items x
variants), the p-values are adjusted by Holm's step-down method over every test in
the report, which keeps the chance of flagging any fair variant at 5% or less; a
variant is flagged when its adjusted p-value is below 0.05. Only submitted work
counts; with a few trainees per variant a real difference may go unflagged (n is
shown). Trainees' variants come from the course secret (``course.assignments.allocation``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from course.coursedir import Course

ALPHA = 0.05
RELATIVE_TOLERANCE = 1e-7  # tables "as likely" as the observed one, despite rounding
COLUMNS = ["assignment", "item", "variant", "n", "facility", "full_marks", "rest_n", "rest_full_marks",
           "p_value", "p_holm", "flagged"]


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p-value of Fisher's exact test on the table [[a, b], [c, d]]."""
    row, column, total = a + b, a + c, a + b + c + d
    low, high = max(0, column - (c + d)), min(row, column)

    def probability(x: int) -> float:
        return math.comb(column, x) * math.comb(total - column, row - x) / math.comb(total, row)

    observed = probability(a)
    return min(1.0, sum(p for x in range(low, high + 1)
                        if (p := probability(x)) <= observed * (1 + RELATIVE_TOLERANCE)))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [0.0] * len(p_values)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def variant_facility(submitted: pd.DataFrame, variants: Mapping[str, Mapping[str, int]]) -> pd.DataFrame:
    """Per assignment with variants, item and variant (1-based): n, facility, the test and its flag.

    ``variants[assignment][student_id]`` is the trainee's 0-based variant.
    """
    rows = []
    for assignment, allocation in variants.items():
        work = submitted[submitted["assignment"] == assignment]
        work = work.assign(item=work["notebook"] + "/" + work["grade_id"],
                           variant=work["student_id"].map(allocation),
                           full=work["score"] >= work["max_score"] - 1e-9)
        work = work[work["variant"].notna()]
        for item, cells in work.groupby("item"):
            for variant, mine in cells.groupby("variant"):
                rest = cells[cells["variant"] != variant]
                a, c = int(mine["full"].sum()), int(rest["full"].sum())
                p = fisher_exact(a, len(mine) - a, c, len(rest) - c) if len(rest) else 1.0
                rows.append({"assignment": assignment, "item": item, "variant": int(variant) + 1, "n": len(mine),
                             "facility": mine["score"].sum() / mine["max_score"].sum(), "full_marks": a,
                             "rest_n": len(rest), "rest_full_marks": c, "p_value": p})
    table = pd.DataFrame(rows, columns=COLUMNS[:-2])
    table["p_holm"] = holm(table["p_value"].tolist())
    table["flagged"] = table["p_holm"] < ALPHA
    return table[COLUMNS]


def course_allocations(course: Course, assignments: Sequence[str],
                       students: Sequence[str]) -> dict[str, dict[str, int]]:
    """``assignment -> student -> variant`` for the assignments built with more than one variant
    (none when the course has no variant secret)."""
    from course.assignments.allocation import SecretMissing, assignment_count, assignment_key, read_secret, variant_for

    try:
        secret = read_secret(course)
    except SecretMissing:
        return {}
    found = {}
    for assignment in assignments:
        count = assignment_count(course.source / assignment)
        if count > 1:
            key = assignment_key(secret, assignment)
            found[assignment] = {student: variant_for(key, student, count) for student in students}
    return found
