"""Competency tags on nbgrader grade cells.

Every grade cell of a source notebook carries, beside nbgrader's own metadata,

    cell.metadata["mesocourse"] = {
        "competencies": ["screening"],      # competency IDs (course.knowledge)
        "critical": true,                   # a failure here blocks certification
        "params": {"contraindication": "pregnancy"},   # scenario parameters, for item analysis
    }

nbgrader's gradebook stores scores per grade cell but not this metadata, so the
reports and certification read it back from the course's ``source/`` notebooks
(:func:`course_tags`).
"""

from __future__ import annotations

import glob
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course.coursedir import Course
from course.errors import CourseError

ItemKey = tuple[str, str, str]  # (assignment, notebook, grade_id)


@dataclass(frozen=True)
class CellTags:
    assignment: str
    notebook: str
    grade_id: str
    max_score: float
    competencies: tuple[str, ...]
    critical: bool = False
    params: Mapping[str, str] = field(default_factory=dict)


def course_tags(course: Course, assignment: str | None = None) -> dict[ItemKey, CellTags]:
    """The competency tags of every grade cell in the course's ``source/*/*.ipynb``, keyed by
    (assignment, notebook, grade_id); only ``assignment``'s when given."""
    found: dict[ItemKey, CellTags] = {}
    pattern = f"{glob.escape(assignment)}/*.ipynb" if assignment else "*/*.ipynb"
    for path in sorted(course.source.glob(pattern)):
        for tag in notebook_tags(path, path.parent.name):
            found[(tag.assignment, tag.notebook, tag.grade_id)] = tag
    return found


def notebook_tags(path: Path, assignment: str) -> list[CellTags]:
    """The tags of every grade cell in one source notebook."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # any way a file can fail to be a notebook
        raise CourseError(f"{path}: not a readable notebook ({error.__class__.__name__})") from None
    tags = []
    for cell in nb.cells:
        grading = cell.metadata.get("nbgrader", {})
        if not grading.get("grade"):
            continue
        ours = cell.metadata.get("mesocourse", {})
        tags.append(
            CellTags(
                assignment=assignment,
                notebook=path.stem,
                grade_id=grading["grade_id"],
                max_score=float(grading.get("points", 0)),
                competencies=tuple(ours.get("competencies", ())),
                critical=bool(ours.get("critical", False)),
                params={str(k): str(v) for k, v in ours.get("params", {}).items()},
            )
        )
    return tags
