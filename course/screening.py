"""Contraindication screening: the single source of truth for "may we treat?".

``screen(patient, cocktail)`` follows ``shared/specs/screening.md`` (version 3) exactly, as
docs/contracts.md documents it. The rules themselves (what fires, the decision, the
explanation and the sources) are data in ``course/knowledge/data/screening.yaml``; this
module validates the input, evaluates each rule's ``when`` test and combines the
results. It never guesses: an unknown key, ID or wrong type raises ``ValueError`` naming it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from course import knowledge
from course.knowledge import schema

PATIENT_KEYS = ("pregnant", "breastfeeding", "conditions", "allergies", "medications")
MEDICATION_KEYS = ("id", "days_since_last_dose", "prescribed", "current")


@dataclass(frozen=True)
class Medication:
    """One medication entry; ``current`` says the patient is still on the treatment (a weekly
    medicine last taken 5 days ago is current), which a last dose today always implies by default."""

    id: str
    days_since_last_dose: int = 0
    prescribed: bool = False
    current: bool = True


@dataclass(frozen=True)
class Patient:
    """A validated patient: the only form the rules ever see."""

    pregnant: bool = False
    breastfeeding: bool = False
    conditions: frozenset[str] = frozenset()
    allergies: frozenset[str] = frozenset()
    medications: tuple[Medication, ...] = ()

    def has_flag(self, flag: str) -> bool:
        return bool(getattr(self, flag))


@dataclass(frozen=True)
class Reason:
    """Why a rule fired, in plain language, with its sources (for trainees)."""

    rule: str
    decision: str
    explanation: str
    detail: str
    sources: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class ScreeningResult:
    decision: str
    reasons: tuple[str, ...]
    excluded_ingredients: frozenset[str]
    wait_days: int | None
    explanations: tuple[Reason, ...] = ()


# --- input validation --------------------------------------------------------
def _ids(value: object, key: str, known: Iterable[str], kind: str) -> frozenset[str]:
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise ValueError(f"patient['{key}'] must be a list of {kind} IDs, got {type(value).__name__}")
    known = set(known)
    for item in value:
        if not isinstance(item, str):
            raise ValueError(f"patient['{key}'] holds {item!r}: {kind} IDs are strings")
        if item not in known:
            raise ValueError(f"patient['{key}'] holds unknown {kind} ID '{item}'")
    return frozenset(value)


def _medication(entry: object, known: set[str]) -> Medication:
    if isinstance(entry, str):
        entry = {"id": entry}
    if not isinstance(entry, Mapping):
        raise ValueError(f"patient['medications'] entry {entry!r} must be an ID string or a mapping")
    for key in entry:
        if key not in MEDICATION_KEYS:
            raise ValueError(f"medication entry has unknown key '{key}' (allowed: {', '.join(MEDICATION_KEYS)})")
    med_id = entry.get("id")
    if not isinstance(med_id, str) or med_id not in known:
        raise ValueError(f"patient['medications'] holds unknown medication ID {med_id!r}")
    days = entry.get("days_since_last_dose", 0)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"medication '{med_id}': 'days_since_last_dose' must be an integer >= 0, got {days!r}")
    prescribed = _boolean(entry, "prescribed", False, med_id)
    current = _boolean(entry, "current", days == 0, med_id)
    return Medication(med_id, days, prescribed, current)


def _boolean(entry: Mapping[str, object], key: str, default: bool, med_id: str) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"medication '{med_id}': '{key}' must be true or false, got {value!r}")
    return value


def to_patient(patient: Mapping[str, object], rules: schema.ScreeningFile, ingredients: Iterable[str]) -> Patient:
    """Validate a patient mapping against the spec; raise ``ValueError`` naming the fault."""
    if not isinstance(patient, Mapping):
        raise ValueError(f"patient must be a mapping, got {type(patient).__name__}")
    for key in patient:
        if key not in PATIENT_KEYS:
            raise ValueError(f"unknown patient key '{key}' (allowed: {', '.join(PATIENT_KEYS)})")
    flags = {}
    for flag in ("pregnant", "breastfeeding"):
        value = patient.get(flag, False)
        if not isinstance(value, bool):
            raise ValueError(f"patient['{flag}'] must be true or false, got {value!r}")
        flags[flag] = value
    medications = patient.get("medications", [])
    if not isinstance(medications, (list, tuple)):
        raise ValueError(f"patient['medications'] must be a list, got {type(medications).__name__}")
    known_meds = {m.id for m in rules.medications}
    return Patient(
        **flags,
        conditions=_ids(patient.get("conditions", []), "conditions", (c.id for c in rules.conditions), "condition"),
        allergies=_ids(patient.get("allergies", []), "allergies", ingredients, "ingredient"),
        medications=tuple(_medication(entry, known_meds) for entry in medications),
    )


def to_cocktail(cocktail: Iterable[str], ingredients: Iterable[str]) -> frozenset[str]:
    if isinstance(cocktail, (str, bytes)) or not isinstance(cocktail, Iterable):
        raise ValueError("cocktail must be an iterable of ingredient IDs (a list, not a single string)")
    known = set(ingredients)
    items = list(cocktail)
    for item in items:
        if not isinstance(item, str) or item not in known:
            raise ValueError(f"cocktail holds unknown ingredient ID {item!r}")
    return frozenset(items)


# --- rule evaluation ---------------------------------------------------------
def _matches_any(patient: Patient, test: schema.PatientAny) -> bool:
    return any(patient.has_flag(f) for f in test.flags) or bool(patient.conditions & set(test.conditions))


def _recent_doses(patient: Patient, test: schema.MedicationTest) -> list[Medication]:
    """The patient's entries the test counts: its IDs, prescribed as it asks, last dose within
    ``within_days`` (any entry, whatever the last dose, when the test has no window), current or
    not as it asks (either, when it does not)."""
    return [
        m for m in patient.medications
        if m.id in test.ids
        and (test.within_days is None or m.days_since_last_dose < test.within_days)
        and (test.prescribed == "any" or m.prescribed == test.prescribed)
        and (test.current is None or m.current == test.current)
    ]


def medication_words(m: Medication, name: str | None = None) -> str:
    """One medication entry in words, e.g. "aspirin, last dose 3 days ago (prescribed; still on
    it)": the one wording the reasons, intake tables and patient cards share."""
    prescribed = "prescribed" if m.prescribed else "not prescribed"
    current = "still on it" if m.current else "stopped"
    return f"{name or m.id}, last dose {m.days_since_last_dose} days ago ({prescribed}; {current})"


def _fires(rule: schema.Rule, patient: Patient, cocktail: frozenset[str]) -> str | None:
    """The detail of why ``rule`` fires for this patient, or None when it does not."""
    when = rule.when
    if when.flag:
        return when.flag.replace("_", " ") if patient.has_flag(when.flag) else None
    if when.condition:
        return when.condition.replace("_", " ") if when.condition in patient.conditions else None
    if when.medication:
        doses = _recent_doses(patient, when.medication)
        return "; ".join(medication_words(m) for m in doses) or None
    if when.allergy_in_cocktail:
        allergens = sorted(patient.allergies & cocktail)
        return f"allergic to {', '.join(allergens)} in the cocktail" if allergens else None
    if when.any_in_cocktail:
        found = _matched(rule, cocktail)
        return f"{', '.join(found)} in the cocktail" if found else None
    test = when.ingredient_in_cocktail
    if test and test.ingredient in cocktail and _matches_any(patient, test.patient_any):
        return f"{test.ingredient} in the cocktail"
    return None


def _matched(rule: schema.Rule, cocktail: frozenset[str]) -> list[str]:
    """The cocktail's ingredients an ``any_in_cocktail`` test names, in the rule's order."""
    return [i for i in rule.when.any_in_cocktail or () if i in cocktail]


def _wait_days(fired: list[tuple[schema.Rule, str]], patient: Patient, decision: str) -> int | None:
    defers = [rule for rule, _ in fired if rule.decision == "defer"]
    if decision != "defer" or not defers or not all(rule.reports_wait for rule in defers):
        return None
    test = defers[0].when.medication
    assert test is not None and test.within_days is not None  # guaranteed by the schema for reports_wait rules
    return test.within_days - min(m.days_since_last_dose for m in _recent_doses(patient, test))


def excluded_ingredients(patient: Patient, rules: schema.ScreeningFile,
                         cocktail: frozenset[str] = frozenset()) -> frozenset[str]:
    """Ingredients this patient must not receive: allergens and the patient's restrictions
    whatever the cocktail, plus each cocktail ingredient a rule with ``excludes_matched``
    names (a regulator's warning is about the product, so only those in the cocktail)."""
    excluded = set(patient.allergies) if rules.exclusions.allergens else set()
    for exclusion in rules.exclusions.ingredients:
        if _matches_any(patient, exclusion.patient_any):
            excluded.add(exclusion.ingredient)
    for rule in rules.rules:
        if rule.excludes_matched:
            excluded.update(_matched(rule, cocktail))
    return frozenset(excluded)


def severity(decision: str) -> int:
    """Position of a decision from least (0, proceed) to most severe (decline)."""
    order = [d.id for d in knowledge.load().screening.decisions]
    return order.index(decision)


def screen(patient: Mapping[str, object], cocktail: Iterable[str] = ()) -> ScreeningResult:
    """Screen ``patient`` for a session with ``cocktail``; see the module docstring."""
    kb = knowledge.load()
    rules = kb.screening
    valid = to_patient(patient, rules, kb.ingredients)
    planned = to_cocktail(cocktail, kb.ingredients)
    fired = [(rule, detail) for rule in rules.rules if (detail := _fires(rule, valid, planned))]
    fired.sort(key=lambda pair: -severity(pair[0].decision))  # stable: ties keep table order
    decision = fired[0][0].decision if fired else rules.decisions[0].id
    return ScreeningResult(
        decision=decision,
        reasons=tuple(rule.id for rule, _ in fired),
        excluded_ingredients=excluded_ingredients(valid, rules, planned),
        wait_days=_wait_days(fired, valid, decision),
        explanations=tuple(
            Reason(rule.id, rule.decision, rule.explanation, detail, rule.sources, rule.label)
            for rule, detail in fired
        ),
    )


def _asks(rule: schema.Rule, patient: Patient, cocktail: frozenset[str]) -> bool:
    """Whether the case holds what ``rule`` reads: a medication of its IDs whatever its dose,
    an allergy, a restricted ingredient or a patient it is restricted for; otherwise, it fires."""
    when = rule.when
    if when.medication:
        return any(m.id in when.medication.ids for m in patient.medications)
    if when.allergy_in_cocktail:
        return bool(patient.allergies)
    test = when.ingredient_in_cocktail
    if test:
        return test.ingredient in cocktail or _matches_any(patient, test.patient_any)
    return _fires(rule, patient, cocktail) is not None


def exercised(patient: Mapping[str, object], cocktail: Iterable[str] = ()) -> tuple[str, ...]:
    """The rules whose question this case puts to a trainee, in table order: those that fire,
    and those whose threshold the case tests without crossing it (an NSAID 20 days ago asks
    the aspirin/NSAID rules; an organic-silicon patient without silicon asks its restriction).
    A graded case's variants must all exercise its rule family (``course.assignments``)."""
    kb = knowledge.load()
    valid = to_patient(patient, kb.screening, kb.ingredients)
    planned = to_cocktail(cocktail, kb.ingredients)
    return tuple(rule.id for rule in kb.screening.rules if _asks(rule, valid, planned))
