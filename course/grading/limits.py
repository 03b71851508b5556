"""The bounds one submission is graded within.

Kept apart from the grading machinery (standard library only) so the command
line can show the defaults without importing nbgrader.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


def default_workers() -> int:
    """One grading worker per core.

    A worker and its kernel take turns (the worker waits while the kernel runs
    cells), so one worker per core keeps every core busy; a third worker on two
    cores graded no faster and took more memory (``benchmarks/grading_throughput.py``;
    figures in docs/benchmarks.md).
    """
    return os.cpu_count() or 1


@dataclass(frozen=True)
class GradingLimits:
    """Per-submission bounds; every one is a plain number so tests can make them small.

    ``time_budget_s`` bounds the whole submission (all its notebooks), on top of
    nbgrader's per-cell timeout (``Execute.timeout`` in the course config): an
    infinite loop costs at most this, however many cells call it. A submission
    that has not finished ``grace_s`` after its budget is stopped and reported
    failed. ``memory_mb`` bounds the kernel's private memory, ``max_output_bytes``
    the outputs kept per notebook, ``max_file_bytes`` any submitted file and any
    file trainee code writes. ``sandbox`` asks for the Landlock filesystem
    sandbox: ``"auto"`` uses it where Linux offers it, ``"off"`` never does,
    ``"require"`` refuses to grade without it.
    """

    time_budget_s: float = 600.0
    grace_s: float = 60.0
    memory_mb: int = 2048
    max_output_bytes: int = 5_000_000
    max_file_bytes: int = 100_000_000
    sandbox: str = "auto"

    def __post_init__(self) -> None:
        for name in ("time_budget_s", "memory_mb", "max_output_bytes", "max_file_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if self.sandbox not in ("auto", "off", "require"):
            raise ValueError(f"sandbox must be auto, off or require, got {self.sandbox!r}")
