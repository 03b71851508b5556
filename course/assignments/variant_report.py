"""What ``mesocourse release`` says about an assignment's variants: what a copy earns, and
which screening rules each case's variants exercise.

Each screening case keeps its rule family and may change its answer
(``course.assignments.items.parameters``); the report lets an instructor see that every
variant tests the family and how the answers spread, before any trainee sees them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from course import knowledge
from course.assignments.catalog import case_data
from course.assignments.copying import copy_report
from course.assignments.items.realise import realise, written
from course.assignments.items.screening_cases import ScreeningItem
from course.assignments.variants import Variants
from course.screening import exercised, screen


def family_lines(drawn: Variants) -> list[str]:
    """One line per screening case with a family: the rules its variants fire (how many
    variants fire each; "no rule" where a variant crosses a threshold) and, of the family's
    rules, those every variant exercises."""
    families = {rule.id: rule.family for rule in knowledge.load().screening.rules}
    lines = []
    for item in case_data(drawn.name):
        if not isinstance(item, ScreeningItem) or item.family is None:
            continue
        fired: Counter[str] = Counter()
        asked = []
        for values in drawn.values if item.id in drawn.varied else [{}]:
            case = _realised(item, values.get(item.id))
            fired["+".join(screen(case.patient, case.cocktail).reasons) or "no rule"] += 1
            asked.append({r for r in exercised(case.patient, case.cocktail) if families[r] == item.family})
        spread = ", ".join(f"{reasons} x{count}" for reasons, count in sorted(fired.items()))
        tested = ", ".join(sorted(set.union(*asked))) if asked else ""
        lines.append(f"  {item.id} [{item.family}: {tested}] fires {spread}")
    return lines


def _realised(item: ScreeningItem, values: Mapping[str, Any] | None) -> ScreeningItem:
    case = realise(item, values) if values else written(item)
    assert isinstance(case, ScreeningItem)
    return case


def release_lines(drawn: Variants) -> list[str]:
    """The copy figure of one assignment's variants, then its screening cases' families."""
    return [copy_report(drawn.name, drawn.variants).line(), *family_lines(drawn)]
