"""Cocktail checks: does a mixture cover an indication, and is it safe for a patient?

``check_cocktail`` compares a cocktail's ingredient roles with the roles the
indication calls for and gathers every caution and regulatory flag, with sources.
``check_for_patient`` adds the patient: which planned ingredients ``screen``
excludes. Both only read the knowledge base; nothing here is a widget.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from course import knowledge
from course.knowledge import schema
from course.screening import ScreeningResult, screen, to_cocktail

# Regulatory statuses that make an ingredient a red flag for a cosmetic cocktail (a
# prescription-only medicine included: the prescriber decides, not the practitioner).
RED_FLAGS = ("unapproved", "banned", "warning", "prescription_only")


@dataclass(frozen=True)
class Flag:
    ingredient: str
    text: str
    sources: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class CocktailCheck:
    indication: str
    roles_needed: tuple[str, ...]
    roles_covered: tuple[str, ...]
    roles_missing: tuple[str, ...]
    cautions: tuple[Flag, ...]
    regulatory_flags: tuple[Flag, ...]


@dataclass(frozen=True)
class PatientCocktailCheck:
    cocktail: CocktailCheck
    screening: ScreeningResult
    excluded_in_cocktail: tuple[str, ...]
    safe_cocktail: tuple[str, ...]


def roles_of(cocktail: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each role the cocktail covers, with the ingredients that cover it."""
    kb = knowledge.load()
    covered: dict[str, list[str]] = {}
    for ingredient_id in cocktail:
        for role in kb.ingredients[ingredient_id].roles:
            covered.setdefault(role, []).append(ingredient_id)
    return {role: tuple(ids) for role, ids in covered.items()}


def _flags(ingredient: schema.Ingredient, facts: Iterable[schema.Fact]) -> list[Flag]:
    return [Flag(ingredient.id, fact.text, fact.sources, fact.label) for fact in facts]


def check_cocktail(indication_id: str, cocktail: Iterable[str]) -> CocktailCheck:
    """Roles covered and missing for ``indication_id``, with cautions and regulatory flags."""
    kb = knowledge.load()
    if indication_id not in kb.indications:
        raise ValueError(f"unknown indication '{indication_id}' (known: {', '.join(kb.indications)})")
    planned = sorted(to_cocktail(cocktail, kb.ingredients))
    needed = kb.indications[indication_id].roles
    covered = roles_of(planned)
    cautions, regulatory = [], []
    for ingredient_id in planned:
        ingredient = kb.ingredients[ingredient_id]
        cautions += _flags(ingredient, ingredient.cautions)
        regulatory += _flags(ingredient, (r for r in ingredient.regulatory if r.status in RED_FLAGS))
    return CocktailCheck(
        indication=indication_id,
        roles_needed=needed,
        roles_covered=tuple(role for role in needed if role in covered),
        roles_missing=tuple(role for role in needed if role not in covered),
        cautions=tuple(cautions),
        regulatory_flags=tuple(regulatory),
    )


def check_for_patient(
    indication_id: str, cocktail: Iterable[str], patient: Mapping[str, object]
) -> PatientCocktailCheck:
    """``check_cocktail`` plus the planned ingredients ``screen`` excludes for ``patient``."""
    planned = list(cocktail)
    result = screen(patient, planned)
    excluded = tuple(i for i in planned if i in result.excluded_ingredients)
    return PatientCocktailCheck(
        cocktail=check_cocktail(indication_id, planned),
        screening=result,
        excluded_in_cocktail=excluded,
        safe_cocktail=tuple(i for i in planned if i not in result.excluded_ingredients),
    )
