"""course.screening.screen against shared/specs/screening.md, rule by rule."""

from __future__ import annotations

import dataclasses

import pytest

from course.screening import screen

SILICON_TRIGGERS = [
    {"conditions": ["diabetes"]},
    {"conditions": ["kidney_disease"]},
    {"conditions": ["pathological_edema"]},
    {"pregnant": True},
    {"breastfeeding": True},
]


def aspirin(days: int, prescribed: bool = False, drug: str = "aspirin") -> dict:
    return {"id": drug, "days_since_last_dose": days, "prescribed": prescribed}


# --- each rule on its own ----------------------------------------------------
@pytest.mark.parametrize(
    ("patient", "cocktail", "decision", "rule"),
    [
        ({"pregnant": True}, (), "decline", "pregnancy"),
        ({"breastfeeding": True}, (), "decline", "breastfeeding"),
        ({"conditions": ["autoimmune_disease"]}, (), "decline", "autoimmune_disease"),
        ({"conditions": ["bleeding_disorder"]}, (), "decline", "bleeding_disorder"),
        ({"medications": ["anticoagulant"]}, (), "refer", "anticoagulant"),
        ({"medications": [aspirin(3, prescribed=True)]}, (), "refer", "prescribed_aspirin_nsaid"),
        ({"medications": [aspirin(3, prescribed=True, drug="nsaid")]}, (), "refer", "prescribed_aspirin_nsaid"),
        ({"medications": [aspirin(3)]}, (), "defer", "aspirin_nsaid_recent"),
        ({"medications": ["nsaid"]}, (), "defer", "aspirin_nsaid_recent"),
        ({"conditions": ["skin_infection_at_site"]}, (), "defer", "skin_infection_at_site"),
        ({"conditions": ["acute_illness"]}, (), "defer", "acute_illness"),
        ({"allergies": ["vitamin_c"]}, ("vitamin_c",), "modify_cocktail", "ingredient_allergy"),
        ({"conditions": ["diabetes"]}, ("organic_silicon",), "modify_cocktail", "organic_silicon_restriction"),
        ({"conditions": ["sensitive_skin"]}, (), "proceed_with_precautions", "sensitive_skin"),
    ],
)
def test_each_rule_alone(patient, cocktail, decision, rule):
    result = screen(patient, cocktail)
    assert result.decision == decision
    assert result.reasons == (rule,)
    assert [r.rule for r in result.explanations] == [rule]
    assert result.explanations[0].explanation and result.explanations[0].sources


def test_no_rule_fires_for_a_healthy_patient():
    result = screen({}, ["hyaluronic_acid", "vitamin_complex"])
    assert (result.decision, result.reasons, result.excluded_ingredients, result.wait_days) == (
        "proceed", (), frozenset(), None)


@pytest.mark.parametrize("condition", ["diabetes", "kidney_disease", "pathological_edema"])
def test_silicon_conditions_without_silicon_fire_nothing(condition):
    result = screen({"conditions": [condition]}, ["hyaluronic_acid"])
    assert result.decision == "proceed" and result.reasons == ()
    assert result.excluded_ingredients == {"organic_silicon"}


@pytest.mark.parametrize("patient", SILICON_TRIGGERS)
def test_organic_silicon_always_excluded_for_its_triggers(patient):
    assert "organic_silicon" in screen(patient).excluded_ingredients
    assert "organic_silicon_restriction" in screen(patient, ["organic_silicon"]).reasons


def test_allergens_always_excluded_even_when_not_in_cocktail():
    result = screen({"allergies": ["glutathione", "prp"]}, ["hyaluronic_acid"])
    assert result.excluded_ingredients == {"glutathione", "prp"}
    assert result.decision == "proceed"


# --- the 13/14-day boundary ----------------------------------------------------
@pytest.mark.parametrize("drug", ["aspirin", "nsaid"])
def test_non_prescribed_aspirin_nsaid_boundary(drug):
    at_13 = screen({"medications": [aspirin(13, drug=drug)]})
    at_14 = screen({"medications": [aspirin(14, drug=drug)]})
    assert (at_13.decision, at_13.reasons, at_13.wait_days) == ("defer", ("aspirin_nsaid_recent",), 1)
    assert (at_14.decision, at_14.reasons, at_14.wait_days) == ("proceed", (), None)


def test_prescribed_aspirin_boundary():
    assert screen({"medications": [aspirin(13, prescribed=True)]}).decision == "refer"
    assert screen({"medications": [aspirin(14, prescribed=True)]}).decision == "proceed"


def test_anticoagulant_boundary():
    recent = {"id": "anticoagulant", "days_since_last_dose": 13, "prescribed": True}
    old = {"id": "anticoagulant", "days_since_last_dose": 14, "prescribed": True}
    assert screen({"medications": [recent]}).reasons == ("anticoagulant",)
    assert screen({"medications": [old]}).decision == "proceed"


def test_wait_days_uses_the_most_recent_non_prescribed_dose():
    result = screen({"medications": [aspirin(10), aspirin(4, drug="nsaid"), aspirin(1, prescribed=True)]})
    # The prescribed dose makes it a referral: wait_days only for an aspirin-only defer.
    assert result.decision == "refer" and result.wait_days is None
    result = screen({"medications": [aspirin(10), aspirin(4, drug="nsaid")]})
    assert (result.decision, result.wait_days) == ("defer", 10)


def test_wait_days_unset_when_another_defer_reason_applies():
    result = screen({"medications": [aspirin(5)], "conditions": ["acute_illness"]})
    assert result.decision == "defer"
    assert result.reasons == ("aspirin_nsaid_recent", "acute_illness")
    assert result.wait_days is None


def test_wait_days_unset_when_more_severe_decision_applies():
    result = screen({"medications": [aspirin(5)], "pregnant": True})
    assert result.decision == "decline" and result.wait_days is None


# --- combinations and order ----------------------------------------------------
def test_reasons_most_severe_first_ties_in_table_order():
    patient = {
        "pregnant": True,
        "breastfeeding": True,
        "conditions": ["sensitive_skin", "acute_illness", "skin_infection_at_site", "bleeding_disorder", "diabetes"],
        "allergies": ["vitamin_c"],
        "medications": ["anticoagulant", aspirin(2), aspirin(2, prescribed=True)],
    }
    result = screen(patient, ["vitamin_c", "organic_silicon"])
    assert result.decision == "decline"
    assert result.reasons == (
        "pregnancy", "breastfeeding", "bleeding_disorder",
        "anticoagulant", "prescribed_aspirin_nsaid",
        "aspirin_nsaid_recent", "skin_infection_at_site", "acute_illness",
        "ingredient_allergy", "organic_silicon_restriction",
        "sensitive_skin",
    )
    assert result.excluded_ingredients == {"vitamin_c", "organic_silicon"}


def test_each_rule_fires_at_most_once():
    result = screen({"medications": [aspirin(1), aspirin(2, drug="nsaid"), "aspirin"],
                     "allergies": ["vitamin_c", "minerals"]}, ["vitamin_c", "minerals"])
    assert result.reasons == ("aspirin_nsaid_recent", "ingredient_allergy")


def test_decision_is_the_most_severe_of_fired_rules():
    assert screen({"conditions": ["sensitive_skin", "acute_illness"]}).decision == "defer"
    assert screen({"conditions": ["sensitive_skin"], "allergies": ["prp"]}, ["prp"]).decision == "modify_cocktail"
    assert screen({"medications": ["anticoagulant"], "conditions": ["acute_illness"]}).decision == "refer"


def test_result_is_immutable():
    result = screen({"pregnant": True})
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.decision = "proceed"  # type: ignore[misc]
    assert isinstance(result.reasons, tuple) and isinstance(result.excluded_ingredients, frozenset)


def test_plain_string_medication_means_taken_now_not_prescribed():
    assert screen({"medications": ["aspirin"]}).wait_days == 14


def test_mapping_defaults():
    assert screen({"medications": [{"id": "aspirin"}]}).wait_days == 14


# --- invalid input -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("patient", "cocktail", "named"),
    [
        ({"pregnant": "yes"}, (), "pregnant"),
        ({"breastfeeding": 1}, (), "breastfeeding"),
        ({"age": 40}, (), "age"),
        ({"conditions": ["flu"]}, (), "flu"),
        ({"conditions": "diabetes"}, (), "conditions"),
        ({"allergies": ["peanuts"]}, (), "peanuts"),
        ({"medications": ["ibuprofen"]}, (), "ibuprofen"),
        ({"medications": [{"id": "aspirin", "days_since_last_dose": -1}]}, (), "days_since_last_dose"),
        ({"medications": [{"id": "aspirin", "days_since_last_dose": 2.5}]}, (), "days_since_last_dose"),
        ({"medications": [{"id": "aspirin", "days_since_last_dose": True}]}, (), "days_since_last_dose"),
        ({"medications": [{"id": "aspirin", "prescribed": "no"}]}, (), "prescribed"),
        ({"medications": [{"id": "aspirin", "dose_mg": 100}]}, (), "dose_mg"),
        ({"medications": [{"days_since_last_dose": 3}]}, (), "None"),
        ({"medications": "aspirin"}, (), "medications"),
        ({}, ["botox"], "botox"),
        ({}, "vitamin_c", "cocktail"),
    ],
)
def test_invalid_input_names_the_offending_key_or_id(patient, cocktail, named):
    with pytest.raises(ValueError, match=named):
        screen(patient, cocktail)


def test_patient_must_be_a_mapping():
    with pytest.raises(ValueError, match="mapping"):
        screen(["pregnant"])  # type: ignore[arg-type]
