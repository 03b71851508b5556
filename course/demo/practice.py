"""Synthetic observed practice for the demo's clinic step.

Each persona is observed as such a trainee would be: strong trainees work
unsupervised, average and format-error trainees under indirect supervision, the
careless have only one observed consultation, the broken few none. Observations
are recorded through the real ``mesocourse observe`` command, dated in the past.
"""

from __future__ import annotations

import contextlib
import io
from datetime import date, timedelta
from pathlib import Path

from course.cli import main as mesocourse

from .cohort import Trainee

# persona -> [(procedure, how many, entrustment level)]
OBSERVED = {
    "strong": [("consultation_screening", 2, 4), ("facial_session", 3, 4)],
    "average": [("consultation_screening", 2, 3), ("facial_session", 3, 3)],
    "format_errors": [("consultation_screening", 2, 3), ("facial_session", 3, 3)],
    "careless": [("consultation_screening", 1, 3)],
}
ASSESSOR = "Dr A. Assessor (synthetic)"


def record_observations(course_dir: Path, trainees: list[Trainee], today: date | None = None) -> int:
    """Record each trainee's synthetic observations; return how many were recorded."""
    today = today or date.today()
    recorded = 0
    for trainee in trainees:
        if trainee.fault:
            continue
        for procedure, count, level in OBSERVED[trainee.persona]:
            for k in range(count):
                observed = today - timedelta(days=7 * (k + 1))
                with contextlib.redirect_stdout(io.StringIO()):
                    code = mesocourse(["observe", trainee.id, "--procedure", procedure, "--assessor", ASSESSOR,
                                       "--entrustment", str(level), "--date", observed.isoformat(),
                                       "--course", str(course_dir), "--by", "mesocourse demo"])
                if code:
                    raise RuntimeError(f"recording an observation of {trainee.id} failed (exit {code})")
                recorded += 1
    return recorded
