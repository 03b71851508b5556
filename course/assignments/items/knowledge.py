"""Knowledge questions of the certification exam, answered from the knowledge base.

Each maker reads its expected answer from the knowledge base (or
``course.cocktail.check_cocktail``): evidence labels of sources, which sources
take a position in a dispute, the indications of an area, a cocktail's red flags
and missing roles, the order of a session's steps, and the triage of reactions.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from course import knowledge
from course.assignments.questions import AnswerField, Question
from course.cocktail import check_cocktail
from course.knowledge import LABEL_NAMES
from course.triage import onset_text, triage_on

from .common import AssignmentItem, DataError, allowed_help, competencies, named, quoted

TRIAGE = ("expected", "monitor", "urgent")


class SourceLabels(AssignmentItem):
    type: Literal["source_labels"] = "source_labels"
    sources: tuple[str, ...]


class DisputePositions(AssignmentItem):
    type: Literal["dispute_positions"] = "dispute_positions"
    dispute: str
    value: str


class AreaIndications(AssignmentItem):
    type: Literal["area_indications"] = "area_indications"
    area: str


class CocktailReview(AssignmentItem):
    type: Literal["cocktail_review"] = "cocktail_review"
    indication: str
    cocktail: tuple[str, ...]


class SessionSteps(AssignmentItem):
    type: Literal["session_steps"] = "session_steps"


class Report(BaseModel):
    """A reaction as a patient reports it: which one, and on which day after the session (0 = that day)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reaction: str
    day: int


class Triage(AssignmentItem):
    """``urgent_only``: ask which reactions are urgent (a list) instead of each one's triage.

    Every reaction is time-anchored (``day``, the day of the report counted from the
    session): a triage level holds only in the reaction's window, so an item may not
    list, say, slight redness three weeks on.
    """

    type: Literal["triage"] = "triage"
    situation: str
    reactions: tuple[Report, ...]
    urgent_only: bool = False


def _known(item: AssignmentItem, ids: tuple[str, ...], known: object, kind: str) -> None:
    for value in ids:
        if value not in known:  # type: ignore[operator]
            raise DataError(item, f"unknown {kind} '{value}'")


def _question(item: AssignmentItem, title: str, text: str, fields: tuple[AnswerField, ...],
              competency: str) -> Question:
    return Question(item.id, title, f"### {title}\n{text}", fields, competencies(item, competency), item.critical,
                    dict(item.params))


def source_labels_question(item: SourceLabels, title: str) -> Question:
    kb = knowledge.load()
    _known(item, item.sources, kb.sources, "source")
    expected = {s: kb.sources[s].label for s in item.sources}
    labels = tuple(LABEL_NAMES)
    text = ("Give the evidence label the course gives each source:\n"
            + "\n".join(f"- `{s}`: {kb.sources[s].title}" for s in item.sources))
    field = AnswerField(f"{item.id}_labels", "evidence labels", "mapping", float(len(item.sources)) / 2,
                        allowed_help("labels: for each source, one of", labels), expected, expected, labels,
                        extra={"keys": item.sources})
    return _question(item, title, text, (field,), "evidence")


def dispute_question(item: DisputePositions, title: str) -> Question:
    disputes = {d.id: d for d in knowledge.load().disputes.disputes}
    if item.dispute not in disputes:
        raise DataError(item, f"unknown dispute '{item.dispute}'")
    dispute = disputes[item.dispute]
    sources = tuple(sorted({p.source for p in dispute.positions}))
    expected = sorted({p.source for p in dispute.positions if p.value == item.value})
    if not expected:
        raise DataError(item, f"no source of dispute '{item.dispute}' says '{item.value}'")
    text = (f"The sources disagree: *{dispute.question}* Which of these sources say \u201c{item.value}\u201d? "
            f"Sources: {quoted(sources)}.")
    field = AnswerField(f"{item.id}_sources", "sources", "id_set", 2.0,
                        allowed_help("sources: a list of source IDs, from", sources),
                        tuple(expected), expected, sources)
    return _question(item, title, text, (field,), "evidence")


def area_indications_question(item: AreaIndications, title: str) -> Question:
    kb = knowledge.load()
    _known(item, (item.area,), kb.areas, "area")
    expected = [i.id for i in kb.indications.values() if item.area in i.areas]
    indications = tuple(kb.indications)
    text = f"Which indications does the course list for this area: {named('area', [item.area])}?"
    field = AnswerField(f"{item.id}_indications", "indications", "id_set", 2.0,
                        allowed_help("indications: a list of indication IDs ([] if none), from", indications),
                        tuple(expected), expected, indications)
    return _question(item, title, text, (field,), "indications")


def cocktail_question(item: CocktailReview, title: str) -> Question:
    kb = knowledge.load()
    try:
        review = check_cocktail(item.indication, item.cocktail)
    except (ValueError, KeyError) as error:
        raise DataError(item, str(error)) from None
    flagged = sorted({flag.ingredient for flag in review.regulatory_flags})
    missing = list(review.roles_missing)
    roles = tuple(kb.roles)
    text = (f"A colleague proposes this cocktail for {named('indication', [item.indication])}: "
            f"{named('ingredient', item.cocktail)}. Which of its ingredients carry a regulatory red flag "
            "(unapproved, banned, a warning or prescription only), "
            "and which roles the indication calls for does it miss?")
    ingredients = tuple(kb.ingredients)  # every variant's cocktail shares one answer cell
    fields = (
        AnswerField(f"{item.id}_red_flags", "ingredients with a regulatory red flag", "id_set", 1.0,
                    allowed_help("red_flags: a list of the cocktail's ingredient IDs ([] if none), from", ingredients),
                    tuple(flagged), flagged, ingredients),
        AnswerField(f"{item.id}_missing_roles", "missing roles", "id_set", 1.0,
                    allowed_help("missing_roles: a list of role IDs ([] if none), from", roles),
                    tuple(missing), missing, roles),
    )
    return _question(item, title, text, fields, "ingredients")


def session_steps_question(item: SessionSteps, title: str) -> Question:
    steps = [step.id for step in knowledge.load().techniques.session_steps]
    shown = tuple(sorted(steps))
    listed = ", ".join(f"`{s}`" for s in shown)
    text = f"Put the steps of a session in order, from the first to the last: {listed}."
    field = AnswerField(f"{item.id}_order", "order of the steps", "id_sequence", 2.0,
                        allowed_help("order: a list of all the step IDs, first to last, from", shown),
                        tuple(steps), steps, shown)
    return _question(item, title, text, (field,), "technique")


def triage_question(item: Triage, title: str) -> Question:
    """Triage of time-anchored reports: each reaction's level on the day it is reported."""
    reactions = {r.id: r for r in knowledge.load().complications.reactions}
    ids = tuple(report.reaction for report in item.reactions)
    _known(item, ids, reactions, "reaction")
    if len(set(ids)) != len(ids):
        raise DataError(item, "a reaction is listed twice", "reactions")
    try:
        levels = {report.reaction: triage_on(report.reaction, report.day) for report in item.reactions}
    except ValueError as error:
        raise DataError(item, str(error), "reactions") from None
    listing = "\n".join(f"- `{r.reaction}`, reported {onset_text(r.day)}: {reactions[r.reaction].text}"
                        for r in item.reactions)
    if item.urgent_only:
        urgent = [r for r in ids if levels[r] == "urgent"]
        text = f"{item.situation}\n{listing}\n\nWhich of these need you to stop and refer the patient to a doctor now?"
        known = tuple(reactions)  # every variant's calls share one answer cell
        field = AnswerField(f"{item.id}_urgent", "urgent reactions", "id_set", 2.0,
                            allowed_help("urgent: a list of the calls' reaction IDs ([] if none), from", known),
                            tuple(urgent), urgent, known)
    else:
        text = (f"{item.situation}\n{listing}\n\nTriage each one: `expected` (reassure, aftercare), "
                "`monitor` (review, may need a doctor) or `urgent` (stop, refer to a doctor now).")
        field = AnswerField(f"{item.id}_triage", "triage", "mapping", float(len(ids)) / 2,
                            allowed_help("triage: for each reaction, one of", TRIAGE), levels, levels, TRIAGE,
                            extra={"keys": ids})
    return _question(item, title, text, (field,), "complications")
