"""The course's graded items: grade cells of the course's ``source/*/*.ipynb`` with their tags."""

from __future__ import annotations

from collections.abc import Collection

from course.assignments.tags import CellTags, ItemKey, course_tags
from course.coursedir import Course

from .errors import CertificationError


def course_items(course: Course, known_competencies: Collection[str]) -> dict[ItemKey, CellTags]:
    """Every grade cell of the course; refuses none, or a competency the knowledge base lacks."""
    items = course_tags(course)
    if not items:
        raise CertificationError(f"{course.source}: no grade cells in */*.ipynb "
                                 "(is --course the nbgrader course directory?)")
    for (assignment, notebook, grade_id), tags in items.items():
        for competency in tags.competencies:
            if competency not in known_competencies:
                raise CertificationError(
                    f"{course.source / assignment / notebook}.ipynb, cell '{grade_id}', field "
                    f"'mesocourse.competencies': unknown competency '{competency}' "
                    f"(known: {', '.join(known_competencies)})"
                )
    if not any(tags.competencies for tags in items.values()):
        raise CertificationError(f"{course.source}: no grade cell is tagged with a competency "
                                 "(metadata 'mesocourse.competencies')")
    return items
