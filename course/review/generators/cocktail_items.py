"""Cocktail items: an indication and a cocktail, answered by ``course.cocktail.check_cocktail``.

Parameters: ``indication`` and ``cocktail`` (ingredient IDs). Asks: ``roles_missing``
(the roles the indication calls for that no ingredient covers) and ``red_flags``
(the ingredients with a regulatory red flag).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from course import knowledge
from course.cocktail import check_cocktail

from .common import Built, Spec, choice_item, set_or_none

PARAMETERS = ("indication", "cocktail")
ASKS = ("roles_missing", "red_flags")


def build(spec: Spec, parameters: Mapping[str, Any]) -> Built:
    kb = knowledge.load()
    indication, cocktail = parameters["indication"], list(parameters["cocktail"])
    check = check_cocktail(indication, cocktail)
    names = ", ".join(kb.ingredients[i].name for i in cocktail)
    stem = f"Indication: {kb.indications[indication].name}. Cocktail: {names}."
    roles = {role: kb.roles[role].name for role in check.roles_needed}
    flagged = sorted({flag.ingredient for flag in check.regulatory_flags})
    explanation = (f"By the engine: the indication calls for {', '.join(roles.values()) or 'no role'}; "
                   f"covered: {', '.join(roles[r] for r in check.roles_covered) or 'none'}; "
                   f"missing: {', '.join(roles[r] for r in check.roles_missing) or 'none'}. "
                   + " ".join(f"{kb.ingredients[f.ingredient].name}: {f.text}" for f in check.regulatory_flags))
    cited = [*kb.indications[indication].sources,
             *(s for i in cocktail for s in kb.ingredients[i].role_sources),
             *(s for f in check.regulatory_flags for s in f.sources)]
    if spec.ask == "roles_missing":
        answer, options = set_or_none(check.roles_missing, list(roles.items()), "none: every role is covered")
        return choice_item(spec, f"{stem} Which roles that the indication calls for does the cocktail miss? "
                           "Tick every one.", options, answer, explanation, cited)
    answer, options = set_or_none(flagged, [(i, kb.ingredients[i].name) for i in cocktail], "none of them")
    return choice_item(spec, f"{stem} Which ingredients carry a regulatory red flag (unapproved, banned or a "
                       "warning)? Tick every one.", options, answer, explanation, cited.copy())
