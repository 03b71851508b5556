"""Cohort grading on top of nbgrader: ``mesocourse grade`` and ``mesocourse feedback``.

Public API (imported on first use, so ``import course.grading`` stays light)::

    grade_cohort(course, assignment, *, workers=None, students=None, force=False,
                 progress=None, limits=None) -> list[SubmissionResult]
    write_feedback(course, assignment, *, students=None, progress=None) -> list[FeedbackResult]
    GradingLimits, SubmissionResult, FeedbackResult, GradingError

The course folder, its config and gradebook are :class:`course.coursedir.Course`; calling nbgrader's
API is :mod:`course.nbgrader_api`. Modules, one job each: ``snapshot`` (the
assignment copied out of the gradebook), ``submission_staging`` (reading and repairing
a submission), ``execution``, ``kernel_launcher`` and ``kernel_zygote`` (running
trainee code within bounds, in kernels forked from a warm process), ``sandbox``
(what a kernel may touch), ``worker`` (grading one submission), ``pool`` and
``worker_process`` (worker processes), ``grades`` (grades in and out of gradebooks),
``ledger`` (resumable results), ``gradesheet`` (the CSV report), ``cohort_grading``
(the whole run), ``feedback`` (HTML feedback without hidden tests), ``progress_bar``.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "grade_cohort": "cohort_grading",
    "write_feedback": "feedback",
    "FeedbackResult": "feedback",
    "GradingLimits": "limits",
    "SubmissionResult": "ledger",
    "GradingError": "errors",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'course.grading' has no attribute '{name}'")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
