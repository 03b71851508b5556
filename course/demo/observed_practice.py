"""Synthetic observed practice for the demo's clinic step.

Each persona is observed as such a trainee would be: strong trainees work
unsupervised, average and format-error trainees under indirect supervision, the
careless have only one observed consultation, the broken few none. Observations
are checked and recorded through the certification API
(:mod:`course.certification.observation`), dated in the past.
"""

from __future__ import annotations

from datetime import date, timedelta

from course.certification.observation import observation_payload, record_observations
from course.coursedir import Course

from .synthetic_cohort import SyntheticTrainee

# persona -> [(procedure, how many, entrustment level)]
OBSERVED = {
    "strong": [("consultation_screening", 2, 4), ("facial_session", 3, 4)],
    "average": [("consultation_screening", 2, 3), ("facial_session", 3, 3)],
    "format_errors": [("consultation_screening", 2, 3), ("facial_session", 3, 3)],
    "careless": [("consultation_screening", 1, 3)],
}
ASSESSOR = "Dr A. Assessor (synthetic)"


def observe_practice(course: Course, registry_url: str, trainees: list[SyntheticTrainee],
                     today: date | None = None) -> int:
    """Record each trainee's synthetic observations in the course's registry (checkpoints
    signed with its issuer keys); return how many were recorded."""
    today = today or date.today()
    payloads = [
        observation_payload(trainee.id, procedure, ASSESSOR, level, today - timedelta(days=7 * (k + 1)))
        for trainee in trainees if not trainee.fault
        for procedure, count, level in OBSERVED[trainee.persona]
        for k in range(count)
    ]
    return len(record_observations(registry_url, "mesocourse demo", payloads, course=course))
