"""Screening items: a synthetic patient and a planned cocktail, answered by ``course.screening.screen``.

Parameters (each drawn from the template's choices): ``flags`` (a list of patient
flags), ``conditions``, ``allergies`` (ingredient IDs), ``medication`` (none, or
``{id, days_since_last_dose, prescribed, current}``) and ``cocktail`` (ingredient IDs).
Asks: ``decision`` (single choice), ``reasons`` (the rules that fire) and
``excluded`` (the ingredients this patient must not receive).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from course import knowledge
from course.screening import ScreeningResult, medication_words, screen, to_patient

from .common import Built, Spec, choice_item, set_or_none

PARAMETERS = ("flags", "conditions", "allergies", "medication", "cocktail")
ASKS = ("decision", "reasons", "excluded")


def patient(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The patient mapping ``screen`` takes, from a draw."""
    flags = set(parameters["flags"])
    medication = parameters["medication"]
    return {
        "pregnant": "pregnant" in flags, "breastfeeding": "breastfeeding" in flags,
        "conditions": list(parameters["conditions"]), "allergies": list(parameters["allergies"]),
        "medications": [dict(medication)] if medication else [],
    }


def _names(ids: Any, kind: str) -> str:
    kb = knowledge.load()
    table = {c.id: c.name for c in kb.screening.conditions} if kind == "condition" else \
        {i.id: i.name for i in kb.ingredients.values()}
    return ", ".join(table[i] for i in ids) or "none"


def describe(parameters: Mapping[str, Any]) -> str:
    """The draw in words: every parameter the answer depends on."""
    kb = knowledge.load()
    names = {m.id: m.name for m in kb.screening.medications}
    taken = to_patient(patient(parameters), kb.screening, kb.ingredients).medications
    taking = "; ".join(medication_words(m, names[m.id]) for m in taken) or "none"
    flags = ", ".join(parameters["flags"]) or "neither pregnant nor breastfeeding"
    return (f"Synthetic patient: {flags}; conditions: {_names(parameters['conditions'], 'condition')}; "
            f"allergies: {_names(parameters['allergies'], 'ingredient')}; medication: {taking}. "
            f"Planned cocktail: {_names(parameters['cocktail'], 'ingredient')}.")


def explain(result: ScreeningResult) -> str:
    """What ``screen`` decided and why, in the rules' own words."""
    decisions = {d.id: d.text for d in knowledge.load().screening.decisions}
    why = " ".join(f"{r.explanation} ({r.detail})" for r in result.explanations) or "No screening rule applies."
    excluded = _names(sorted(result.excluded_ingredients), "ingredient")
    return f"Screening decides: {decisions[result.decision]} {why} Excluded ingredients for this patient: {excluded}."


def build(spec: Spec, parameters: Mapping[str, Any]) -> Built:
    kb = knowledge.load()
    result = screen(patient(parameters), parameters["cocktail"])
    stem, explanation = describe(parameters), explain(result)
    # the fired rules' sources; when none fires, every rule was exercised and none applied
    cited = [s for reason in result.explanations for s in reason.sources] or \
        [s for rule in kb.screening.rules for s in rule.sources]
    if spec.ask == "decision":
        options = [(d.id, d.text) for d in kb.screening.decisions]
        return choice_item(spec, f"{stem} What does screening decide?", options, result.decision, explanation, cited)
    if spec.ask == "reasons":
        answer, options = set_or_none(result.reasons, [(r.id, r.id.replace("_", " ")) for r in kb.screening.rules],
                                      "no rule applies")
        return choice_item(spec, f"{stem} Which screening rules apply? Tick every one.", options, answer,
                           explanation, cited)
    excluded = result.excluded_ingredients
    candidates = dict.fromkeys([*parameters["cocktail"], *parameters["allergies"],
                                *(e.ingredient for e in kb.screening.exclusions.ingredients)])
    answer, options = set_or_none(excluded, [(i, kb.ingredients[i].name) for i in candidates], "none of them")
    cited += [s for e in kb.screening.exclusions.ingredients if e.ingredient in excluded for s in e.sources]
    if parameters["allergies"]:  # allergens are excluded by the allergy rule's reasoning
        cited += [s for r in kb.screening.rules if r.when.allergy_in_cocktail for s in r.sources]
    return choice_item(spec, f"{stem} Which of these ingredients must this patient not receive, whatever the "
                       "cocktail? Tick every one.", options, answer, explanation, cited)
