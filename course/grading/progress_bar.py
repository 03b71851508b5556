"""A progress bar on stderr for long runs, without a dependency.

On a terminal the bar redraws in place; elsewhere (a log, CI) each finished item
prints one line, so the output stays readable. An instance is the ``progress``
callback of :func:`~course.grading.cohort_grading.grade_cohort` and
:func:`~course.grading.feedback.write_feedback`: ``bar(result, done, total)``.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import Any, TextIO


class ProgressBar:
    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label, self.width = label, width
        self.stream = stream or sys.stderr
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()
        self.live = self.stream.isatty()

    def __call__(self, result: Any, done: int, total: int) -> None:
        """``result`` has ``student_id`` and ``status`` (and a ``score`` for grading)."""
        self.counts[result.status] += 1
        if self.live:
            filled = self.width * done // max(total, 1)
            counts = " ".join(f"{n} {status}" for status, n in sorted(self.counts.items()))
            bar = "#" * filled + "." * (self.width - filled)
            end = "\n" if done == total else ""
            self.stream.write(f"\r{self.label} [{bar}] {done}/{total} {counts}  {self._rate(done, total)}{end}")
        else:
            score = getattr(result, "score", None)
            shown = f" {score:g}/{result.max_score:g}" if score is not None else ""
            self.stream.write(f"{self.label} [{done}/{total}] {result.student_id}: {result.status}{shown}\n")
        self.stream.flush()

    def _rate(self, done: int, total: int) -> str:
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate else 0.0
        return f"{rate:.2f}/s, {left:.0f} s left"
