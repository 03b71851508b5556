"""Trainees and their per-grade-cell scores, read from an nbgrader gradebook.

The gradebook is ``--db URL`` if given, else the ``CourseDirectory.db_url`` of the
course's ``nbgrader_config.py``, else ``DIR/gradebook.db`` (nbgrader's default).
A score is ``None`` when the cell is not graded yet; a cell of an assignment the
trainee did not submit has no entry at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from traitlets.config.loader import PyFileConfigLoader

from course.gradebook_tables import GradebookRows, read_gradebook

from .errors import CertificationError

ItemKey = tuple[str, str, str]  # (assignment, notebook, grade_id), as course.assignments.tags keys them


@dataclass(frozen=True)
class Trainee:
    id: str
    first_name: str
    last_name: str
    email: str
    lms_user_id: str

    @property
    def name(self) -> str:
        """Full name, or the ID when the gradebook has no name."""
        return f"{self.first_name} {self.last_name}".strip() or self.id


@dataclass(frozen=True)
class TraineeScores:
    submitted: frozenset[str]  # assignment names the trainee submitted
    scores: dict[ItemKey, float | None]  # None: not graded yet


@dataclass(frozen=True)
class Cohort:
    gradebook: str  # URL, password hidden
    trainees: tuple[Trainee, ...]
    scores: dict[str, TraineeScores]


def gradebook_url(course_dir: Path, db_option: str | None) -> str:
    """Where the course's gradebook is (see the module docstring for the order)."""
    if db_option:
        return db_option
    config_file = course_dir / "nbgrader_config.py"
    if config_file.is_file():
        config = PyFileConfigLoader(config_file.name, path=str(course_dir)).load_config()
        configured = config.get("CourseDirectory", {}).get("db_url")
        if configured:
            url = make_url(configured)
            if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).is_absolute():
                url = url.set(database=str(course_dir / url.database))  # nbgrader runs in the course root
            return url.render_as_string(hide_password=False)
    return f"sqlite:///{course_dir / 'gradebook.db'}"


def read_cohort(course_dir: Path | str, db_option: str | None = None) -> Cohort:
    """Every trainee in the gradebook with their grade-cell scores (a few set-based queries)."""
    url = gradebook_url(Path(course_dir).resolve(), db_option)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        raise CertificationError(f"no gradebook at {parsed.database} (autograde first, or give --db URL)")
    trainees, scores = cohort_scores(read_gradebook(url))
    return Cohort(parsed.render_as_string(hide_password=True), tuple(trainees), scores)


def cohort_scores(rows: GradebookRows) -> tuple[tuple[Trainee, ...], dict[str, TraineeScores]]:
    """Trainees (by ID) and their submissions and grade-cell scores, from the gradebook's rows."""
    submitted: dict[str, set[str]] = {}
    for student_id, assignment in rows.submissions:
        submitted.setdefault(student_id, set()).add(assignment)
    cell_scores: dict[str, dict[ItemKey, float | None]] = {}
    for student_id, assignment, notebook, grade_id, score, graded in rows.grades:
        cell_scores.setdefault(student_id, {})[(assignment, notebook, grade_id)] = score if graded else None
    trainees = tuple(Trainee(sid, first or "", last or "", email or "", lms or "")
                     for sid, first, last, email, lms in sorted(rows.students, key=lambda row: row[0]))
    scores = {t.id: TraineeScores(frozenset(submitted.get(t.id, ())), cell_scores.get(t.id, {})) for t in trainees}
    return trainees, scores
