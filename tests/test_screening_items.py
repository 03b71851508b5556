"""Every graded screening case, the case gallery and the quiz bank agree with screening v3.

The graded expected answers are ``screen``'s own (frozen at build time); these tests
check that they still are, that each version-2 and version-3 rule is graded and shown
somewhere, and that the cocktail review's red flags agree with the regulatory rules.
"""

from __future__ import annotations

from course import cases, knowledge
from course.assignments import ASSIGNMENTS
from course.assignments.catalog import case_data, load_assignment
from course.assignments.items.knowledge import CocktailReview
from course.assignments.items.screening_cases import ScreeningItem
from course.quiz import all_banks
from course.quiz.bank import Compute
from course.screening import screen

LATER_RULES = {"immunosuppressant", "skin_disease_at_site", "acne_or_inflammation_at_site", "regulatory_warning",
               "past_immunosuppressant", "prescription_only_ingredient"}  # versions 2 and 3


def screening_items() -> list[tuple[str, ScreeningItem]]:
    return [(name, item) for name in ASSIGNMENTS for item in case_data(name) if isinstance(item, ScreeningItem)]


def test_every_graded_screening_answer_is_what_screen_decides():
    for name, item in screening_items():
        result = screen(item.patient, item.cocktail)
        fields = {f.label: f for f in load_assignment(name).question(item.id).fields}
        assert fields["decision"].expected == result.decision, item.id
        assert set(fields["reasons"].expected) == set(result.reasons), item.id
        assert set(fields["excluded ingredients"].expected) == set(result.excluded_ingredients), item.id


def test_each_version_2_and_3_rule_is_graded_by_at_least_one_case():
    graded = {reason for _, item in screening_items() for reason in screen(item.patient, item.cocktail).reasons}
    assert LATER_RULES <= graded, LATER_RULES - graded


def test_graded_cases_with_a_stopped_or_current_medicine_say_so_in_the_patient_card():
    from course.assignments.items.screening_cases import patient_card
    for _, item in screening_items():
        for entry in item.patient.get("medications", []):
            if isinstance(entry, dict) and "current" in entry:
                assert ("still on it" if entry["current"] else "stopped") in patient_card(item), item.id


def test_no_graded_case_keeps_a_regulator_warned_ingredient_in_the_cocktail():
    rule = next(r for r in knowledge.load().screening.rules if r.id == "regulatory_warning")
    for name, item in screening_items():
        warned = set(item.cocktail) & set(rule.when.any_in_cocktail)
        fields = {f.label: f for f in load_assignment(name).question(item.id).fields}
        excluded = set(fields["excluded ingredients"].expected)
        assert warned <= excluded, item.id


def test_the_cocktail_review_red_flags_agree_with_the_regulatory_rules():
    rules = {r.id: r for r in knowledge.load().screening.rules if r.label == "regulatory" and r.when.any_in_cocktail}
    reviews = [(name, item) for name in ASSIGNMENTS for item in case_data(name) if isinstance(item, CocktailReview)]
    assert reviews
    for name, item in reviews:
        flagged = set(load_assignment(name).question(item.id).fields[0].expected)
        result = screen({}, item.cocktail)
        named = {i for rule in result.reasons if rule in rules for i in rules[rule].when.any_in_cocktail}
        assert flagged == named & set(item.cocktail), item.id


def test_the_case_gallery_shows_each_version_2_and_3_rule():
    shown = {reason for case in cases.load() for reason in screen(case.patient, case.cocktail).reasons}
    assert LATER_RULES <= shown, LATER_RULES - shown


def test_the_quiz_bank_checks_every_screening_rule_against_the_engine():
    """Every rule of the table fires in at least one engine-checked item of the screening bank."""
    fired = set()
    for bank in all_banks():
        for item in bank.items:
            spec = item.compute
            if spec is not None and spec.engine == "screen":
                fired |= set(screen(**Compute.model_validate(spec).args).reasons)
    assert fired == {rule.id for rule in knowledge.load().screening.rules}
