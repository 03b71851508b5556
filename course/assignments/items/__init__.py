"""Question makers, one per item ``type`` of the assignments' YAML files.

Each maker turns one validated YAML item into a :class:`~course.assignments.questions.Question`,
computing its expected answers with the engines and the knowledge base.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TYPE_CHECKING, Union

from pydantic import Field

from course.assignments.questions import Question

from .common import DataError, AssignmentItem
from .depth_problems import DepthItem, depth_question
from .knowledge import (
    AreaIndications, CocktailReview, DisputePositions, SessionSteps, SourceLabels, Triage,
    area_indications_question, cocktail_question, dispute_question, session_steps_question,
    source_labels_question, triage_question,
)
from .planning_patients import PlanningItem, planning_question
from .screening_cases import ConsultationItem, ScreeningItem, consultation_question, screening_question

__all__ = ["AnyItem", "DataError", "Item", "MAKERS", "make_question"]

MAKERS: dict[type[AssignmentItem], Callable[[Any, str], Question]] = {
    ScreeningItem: screening_question,
    ConsultationItem: consultation_question,
    PlanningItem: planning_question,
    DepthItem: depth_question,
    SourceLabels: source_labels_question,
    DisputePositions: dispute_question,
    AreaIndications: area_indications_question,
    CocktailReview: cocktail_question,
    SessionSteps: session_steps_question,
    Triage: triage_question,
}

if TYPE_CHECKING:  # to a type checker, any of them is an AssignmentItem
    AnyItem = AssignmentItem
else:
    AnyItem = Annotated[Union[tuple(MAKERS)], Field(discriminator="type")]


def make_question(item: AssignmentItem, title: str) -> Question:
    """The question for one item, its expected answers computed now."""
    return MAKERS[type(item)](item, title)
