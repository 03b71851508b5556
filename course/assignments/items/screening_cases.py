"""Screening and consultation questions: a synthetic patient, answered with IDs.

The expected decision, reasons and excluded ingredients are what
``course.screening.screen`` returns for the patient and cocktail; the consultation
questions expect the patient's own screening record, which the dialogue is
written from.
"""

from __future__ import annotations

from typing import Any, Literal

from course import knowledge
from course.assignments.questions import AnswerField, Question
from course.screening import exercised, medication_words, screen, to_patient

from .common import AssignmentItem, DataError, allowed_help, competencies, named, names_of

SCREENING_WEIGHTS = {"decision": 2.0, "reasons": 1.0, "excluded": 1.0}


class PatientItem(AssignmentItem):
    """A synthetic patient: a sentence about who they are and their screening record."""

    who: str
    patient: dict[str, Any]


class ScreeningItem(PatientItem):
    """A patient to screen for a planned cocktail. ``family`` names the rule family the case tests
    (screening.yaml ``families``): each variant may change its answer, never its family."""

    type: Literal["screening"] = "screening"
    cocktail: tuple[str, ...]
    family: str | None = None


class ConsultationItem(PatientItem):
    """The trainee turns a consultation dialogue into the patient's record.

    ``record: history`` asks for pregnancy, breastfeeding, conditions and
    allergies; ``record: medications`` for the medications (a critical item).
    """

    type: Literal["consultation"] = "consultation"
    record: Literal["history", "medications"]


def _validated(item: PatientItem) -> Any:
    kb = knowledge.load()
    try:
        return to_patient(item.patient, kb.screening, kb.ingredients)
    except ValueError as error:
        raise DataError(item, str(error)) from None


def _medication_text(medication: Any) -> str:
    return medication_words(medication, f"{names_of('medication')[medication.id]} (`{medication.id}`)")


def patient_card(item: ScreeningItem) -> str:
    """The patient's screening record and planned cocktail as a markdown table."""
    patient = _validated(item)
    medications = "; ".join(_medication_text(m) for m in patient.medications) or "none"
    rows = [
        ("Pregnant", "yes" if patient.pregnant else "no"),
        ("Breastfeeding", "yes" if patient.breastfeeding else "no"),
        ("Conditions", named("condition", sorted(patient.conditions))),
        ("Allergies", named("ingredient", sorted(patient.allergies))),
        ("Medications", medications),
        ("Planned cocktail", named("ingredient", item.cocktail)),
    ]
    return "| Screening record | |\n| --- | --- |\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)


def tested_family(item: ScreeningItem) -> dict[str, str]:
    """The family tag of a case, checked: refused (naming the rules it does exercise) when the
    case puts no question of its family to the trainee."""
    if item.family is None:
        return {}
    rules = knowledge.load().screening.rules
    families = {r.family for r in rules}
    if item.family not in families:
        raise DataError(item, f"unknown rule family '{item.family}' (known: {', '.join(sorted(families))})", "family")
    asked = exercised(item.patient, item.cocktail)
    if item.family not in {r.family for r in rules if r.id in asked}:
        raise DataError(item, f"the case tests no rule of its family '{item.family}' (it tests: "
                              f"{', '.join(asked) or 'no rule'})", "family")
    return {"family": item.family}


def screening_question(item: ScreeningItem, title: str) -> Question:
    """Decision (2 points), reasons (1) and excluded ingredients (1), as ``screen`` says."""
    _validated(item)
    kb = knowledge.load()
    try:
        result = screen(item.patient, item.cocktail)
    except ValueError as error:
        raise DataError(item, str(error)) from None
    decisions = tuple(d.id for d in kb.screening.decisions)
    rules = tuple(r.id for r in kb.screening.rules)
    reasons, excluded = list(result.reasons), sorted(result.excluded_ingredients)
    fields = (
        AnswerField(f"{item.id}_decision", "decision", "choice", SCREENING_WEIGHTS["decision"],
                    allowed_help("decision: one of", decisions), result.decision, result.decision, decisions),
        AnswerField(f"{item.id}_reasons", "reasons", "id_set", SCREENING_WEIGHTS["reasons"],
                    allowed_help("reasons: a list of the rule IDs that apply, in any order ([] if none), from", rules),
                    tuple(reasons), reasons, rules),
        AnswerField(f"{item.id}_excluded", "excluded ingredients", "id_set", SCREENING_WEIGHTS["excluded"],
                    allowed_help("excluded: a list of the ingredient IDs this patient must not receive "
                                 "([] if none), from", kb.ingredients),
                    tuple(excluded), excluded, tuple(kb.ingredients)),
    )
    prompt = (f"### {title}\n{item.who}\n\n{patient_card(item)}\n\n"
              "Screen this patient for the planned session: give the decision, every reason "
              "(rule ID) that applies, and every ingredient this patient must not receive.")
    params = {"decision": result.decision, "contraindication": "+".join(reasons) or "none",
              **tested_family(item), **item.params}
    return Question(item.id, title, prompt, fields, competencies(item, "screening"), item.critical, params)


# --- consultation ------------------------------------------------------------
def dialogue(item: PatientItem, name: str) -> str:
    """A consultation dialogue written from the patient's screening record."""
    patient = _validated(item)
    conditions, ingredients = names_of("condition"), names_of("ingredient")
    medications = names_of("medication")
    status = ("Yes, I am pregnant." if patient.pregnant else
              "I am breastfeeding my baby." if patient.breastfeeding else "No, neither.")
    health = ("I have " + " and ".join(conditions[c].lower() for c in sorted(patient.conditions)) + "."
              if patient.conditions else "No, I am healthy.")
    allergies = ("Yes: I react to " + " and ".join(ingredients[i].lower() for i in sorted(patient.allergies)) + "."
                 if patient.allergies else "None that I know of.")
    taken = [
        f"{medications[m.id]}, {'my doctor prescribed it' if m.prescribed else 'I buy it myself'}; "
        f"my last dose was {m.days_since_last_dose} days ago{'' if m.current else ', and I have stopped it'}."
        for m in patient.medications
    ]
    lines = [
        ("Practitioner", "Are you pregnant, or breastfeeding?"), (name, status),
        ("Practitioner", "Do you have any health problems?"), (name, health),
        ("Practitioner", "Any allergies?"), (name, allergies),
        ("Practitioner", "Do you take any medicines?"), (name, " ".join(taken) or "No, nothing."),
    ]
    return "  \n".join(f"**{speaker}:** {text}" for speaker, text in lines)


def consultation_question(item: ConsultationItem, title: str) -> Question:
    """Record the history (4 points) or the medications (2 points) heard in the dialogue."""
    patient = _validated(item)
    kb = knowledge.load()
    name = item.who.split(",")[0]
    conditions = tuple(c.id for c in kb.screening.conditions)
    meds = tuple(m.id for m in kb.screening.medications)
    if item.record == "history":
        fields: tuple[AnswerField, ...] = (
            AnswerField(f"{item.id}_pregnant", "pregnant", "choice", 1.0, "pregnant: True or False",
                        patient.pregnant, patient.pregnant, (True, False)),
            AnswerField(f"{item.id}_breastfeeding", "breastfeeding", "choice", 1.0, "breastfeeding: True or False",
                        patient.breastfeeding, patient.breastfeeding, (True, False)),
            AnswerField(f"{item.id}_conditions", "conditions", "id_set", 1.0,
                        allowed_help("conditions: a list of condition IDs ([] if none), from", conditions),
                        tuple(sorted(patient.conditions)), sorted(patient.conditions), conditions),
            AnswerField(f"{item.id}_allergies", "allergies", "id_set", 1.0,
                        allowed_help("allergies: a list of ingredient IDs ([] if none), from", kb.ingredients),
                        tuple(sorted(patient.allergies)), sorted(patient.allergies), tuple(kb.ingredients)),
        )
        ask = "Record the patient's pregnancy and breastfeeding status, conditions and allergies."
    else:
        taken = sorted({m.id for m in patient.medications})
        fields = (
            AnswerField(f"{item.id}_medications", "medications", "id_set", 2.0,
                        allowed_help("medications: a list of medication IDs ([] if none), from", meds),
                        tuple(taken), taken, meds),
        )
        ask = ("Record every medication the patient mentions (IDs), including any the patient has stopped: "
               "screening needs them all.")
    prompt = f"### {title}\n{item.who}\n\n{dialogue(item, name)}\n\n{ask}"
    return Question(item.id, title, prompt, fields, competencies(item, "consultation"), item.critical,
                    dict(item.params))
