"""course.screening.screen against shared/specs/screening.md (version 3): every rule,
every note and the tie order, the `current` flag, the version-1 cases keeping their answers,
the version-2 answers kept where version 3 says so, and an independent re-reading of the spec's
table checked over many generated patients."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course import knowledge
from course.cocktail import RED_FLAGS
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
        # version 2: the product label and the regulators
        ({"medications": ["immunosuppressant"]}, (), "decline", "immunosuppressant"),
        ({"conditions": ["skin_disease_at_site"]}, (), "defer", "skin_disease_at_site"),
        ({"conditions": ["acne_or_inflammation_at_site"]}, (), "defer", "acne_or_inflammation_at_site"),
        ({}, ("phosphatidylcholine_deoxycholate",), "modify_cocktail", "regulatory_warning"),
        ({}, ("glutathione", "hyaluronic_acid"), "modify_cocktail", "regulatory_warning"),
        # version 3: a past immunosuppressant, a prescription-only medicine, deoxycholic acid
        ({"medications": [{"id": "immunosuppressant", "days_since_last_dose": 5, "current": True}]}, (),
         "decline", "immunosuppressant"),
        ({"medications": [{"id": "immunosuppressant", "days_since_last_dose": 400, "prescribed": True}]}, (),
         "refer", "past_immunosuppressant"),
        ({"medications": [{"id": "immunosuppressant", "days_since_last_dose": 0, "current": False}]}, (),
         "refer", "past_immunosuppressant"),
        ({}, ("dutasteride",), "refer", "prescription_only_ingredient"),
        ({}, ("deoxycholic_acid", "hyaluronic_acid"), "modify_cocktail", "regulatory_warning"),
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
        "conditions": ["sensitive_skin", "acne_or_inflammation_at_site", "acute_illness", "skin_disease_at_site",
                       "skin_infection_at_site", "bleeding_disorder", "diabetes", "autoimmune_disease"],
        "allergies": ["vitamin_c"],
        "medications": ["anticoagulant", aspirin(2), aspirin(2, prescribed=True), "immunosuppressant"],
    }
    result = screen(patient, ["glutathione", "vitamin_c", "organic_silicon", "phosphatidylcholine_deoxycholate"])
    assert result.decision == "decline"
    assert result.reasons == (
        "pregnancy", "breastfeeding", "autoimmune_disease", "immunosuppressant", "bleeding_disorder",
        "anticoagulant", "prescribed_aspirin_nsaid",
        "aspirin_nsaid_recent", "skin_infection_at_site", "skin_disease_at_site", "acne_or_inflammation_at_site",
        "acute_illness",
        "ingredient_allergy", "organic_silicon_restriction", "regulatory_warning",
        "sensitive_skin",
    )
    assert result.excluded_ingredients == {"vitamin_c", "organic_silicon", "glutathione",
                                           "phosphatidylcholine_deoxycholate"}
    assert result.wait_days is None


def test_the_rules_are_in_the_spec_table_order():
    assert [rule.id for rule in knowledge.load().screening.rules] == TABLE


def test_ties_between_the_new_defer_rules_follow_the_table():
    result = screen({"conditions": ["acute_illness", "acne_or_inflammation_at_site", "skin_disease_at_site",
                                    "skin_infection_at_site"]})
    assert result.reasons == ("skin_infection_at_site", "skin_disease_at_site", "acne_or_inflammation_at_site",
                              "acute_illness")
    result = screen({"allergies": ["glutathione"], "conditions": ["kidney_disease"]},
                    ["glutathione", "organic_silicon"])
    assert result.reasons == ("ingredient_allergy", "organic_silicon_restriction", "regulatory_warning")


def test_each_rule_fires_at_most_once():
    result = screen({"medications": [aspirin(1), aspirin(2, drug="nsaid"), "aspirin"],
                     "allergies": ["vitamin_c", "minerals"]}, ["vitamin_c", "minerals"])
    assert result.reasons == ("aspirin_nsaid_recent", "ingredient_allergy")


def test_decision_is_the_most_severe_of_fired_rules():
    assert screen({"conditions": ["sensitive_skin", "acute_illness"]}).decision == "defer"
    assert screen({"conditions": ["sensitive_skin"], "allergies": ["prp"]}, ["prp"]).decision == "modify_cocktail"
    assert screen({"medications": ["anticoagulant"], "conditions": ["acute_illness"]}).decision == "refer"


# --- version 2: the product label and the regulators ------------------------------------
def test_a_current_immunosuppressant_declines_and_a_past_one_refers_whatever_the_days():
    for days in (0, 5, 13, 14, 30, 3650):
        for prescribed in (True, False):
            entry = {"id": "immunosuppressant", "days_since_last_dose": days, "prescribed": prescribed}
            current = screen({"medications": [{**entry, "current": True}]})
            assert (current.decision, current.reasons, current.wait_days) == ("decline", ("immunosuppressant",), None)
            past = screen({"medications": [{**entry, "current": False}]})
            assert (past.decision, past.reasons, past.wait_days) == ("refer", ("past_immunosuppressant",), None)


def test_current_defaults_to_a_dose_today():
    assert screen({"medications": [{"id": "immunosuppressant"}]}).reasons == ("immunosuppressant",)
    assert screen({"medications": [{"id": "immunosuppressant", "days_since_last_dose": 1}]}).reasons == (
        "past_immunosuppressant",)


def test_two_immunosuppressant_entries_fire_both_rules_once_each():
    result = screen({"medications": [{"id": "immunosuppressant", "days_since_last_dose": 90},
                                     {"id": "immunosuppressant", "days_since_last_dose": 3, "current": True},
                                     {"id": "immunosuppressant", "days_since_last_dose": 200}]})
    assert result.decision == "decline" and result.reasons == ("immunosuppressant", "past_immunosuppressant")
    assert "stopped" in result.explanations[1].detail and "still on it" in result.explanations[0].detail


def test_dutasteride_is_referred_and_not_excluded_unless_the_patient_is_allergic():
    result = screen({}, ["dutasteride", "biotin"])
    assert (result.decision, result.reasons, result.excluded_ingredients) == (
        "refer", ("prescription_only_ingredient",), frozenset())
    assert "pregnan" in result.explanations[0].explanation and "6 months" in result.explanations[0].explanation
    allergic = screen({"allergies": ["dutasteride"]}, ["dutasteride"])
    assert allergic.reasons == ("prescription_only_ingredient", "ingredient_allergy")
    assert allergic.excluded_ingredients == {"dutasteride"}
    assert screen({"allergies": ["dutasteride"]}).excluded_ingredients == {"dutasteride"}


def test_a_past_immunosuppressant_outranks_the_aspirin_wait_but_not_a_decline():
    past = {"id": "immunosuppressant", "days_since_last_dose": 60, "prescribed": True}
    result = screen({"medications": [past, aspirin(5)]})
    assert (result.decision, result.reasons, result.wait_days) == (
        "refer", ("past_immunosuppressant", "aspirin_nsaid_recent"), None)
    assert screen({"pregnant": True, "medications": [past]}).reasons == ("pregnancy", "past_immunosuppressant")


def test_an_immunosuppressant_overrides_an_aspirin_wait():
    result = screen({"medications": ["immunosuppressant", aspirin(5)]})
    assert result.decision == "decline" and result.wait_days is None
    assert result.reasons == ("immunosuppressant", "aspirin_nsaid_recent")


def test_a_skin_condition_at_the_site_removes_the_aspirin_wait():
    for condition in ("skin_disease_at_site", "acne_or_inflammation_at_site"):
        result = screen({"medications": [aspirin(5)], "conditions": [condition]})
        assert result.decision == "defer" and result.wait_days is None
        assert result.reasons == ("aspirin_nsaid_recent", condition)


@pytest.mark.parametrize("warned", ["phosphatidylcholine_deoxycholate", "deoxycholic_acid", "glutathione"])
def test_a_regulator_warned_ingredient_in_the_cocktail_is_excluded_only_there(warned):
    result = screen({}, [warned, "hyaluronic_acid"])
    assert result.reasons == ("regulatory_warning",) and result.excluded_ingredients == {warned}
    assert "US FDA" in result.explanations[0].explanation or "Philippine FDA" in result.explanations[0].explanation
    not_planned = screen({}, ["hyaluronic_acid"])
    assert not_planned.reasons == () and warned not in not_planned.excluded_ingredients


def test_both_warned_ingredients_fire_the_rule_once_and_are_both_excluded():
    result = screen({}, ["glutathione", "phosphatidylcholine_deoxycholate"])
    assert result.reasons == ("regulatory_warning",)
    assert result.excluded_ingredients == {"glutathione", "phosphatidylcholine_deoxycholate"}
    assert result.explanations[0].detail == "phosphatidylcholine_deoxycholate, glutathione in the cocktail"


def test_deoxycholic_acid_in_a_cocktail_fires_the_regulatory_warning():
    result = screen({}, ["deoxycholic_acid"])
    assert (result.decision, result.reasons, result.excluded_ingredients) == (
        "modify_cocktail", ("regulatory_warning",), {"deoxycholic_acid"})
    assert "never as a cocktail ingredient" in result.explanations[0].explanation
    combined = screen({}, ["deoxycholic_acid", "phosphatidylcholine_deoxycholate"])
    assert combined.reasons == ("regulatory_warning",)
    assert combined.excluded_ingredients == {"phosphatidylcholine_deoxycholate", "deoxycholic_acid"}


def test_a_warned_ingredient_the_patient_is_allergic_to_fires_both_rules():
    result = screen({"allergies": ["glutathione"]}, ["glutathione"])
    assert result.reasons == ("ingredient_allergy", "regulatory_warning")
    assert result.excluded_ingredients == {"glutathione"}


def test_every_warned_ingredient_carries_a_regulatory_red_flag_in_the_knowledge_base():
    kb = knowledge.load()
    rules = {r.id: r for r in kb.screening.rules}
    assert set(rules["regulatory_warning"].when.any_in_cocktail) == {
        "phosphatidylcholine_deoxycholate", "deoxycholic_acid", "glutathione"}
    assert rules["prescription_only_ingredient"].when.any_in_cocktail == ("dutasteride",)
    for rule in (rules["regulatory_warning"], rules["prescription_only_ingredient"]):
        for ingredient in rule.when.any_in_cocktail:
            flags = [r for r in kb.ingredients[ingredient].regulatory if r.status in RED_FLAGS]
            assert flags and any(set(f.sources) & set(rule.sources) for f in flags), ingredient


def test_labels_say_where_each_rule_comes_from():
    rules = {rule.id: rule for rule in knowledge.load().screening.rules}
    for rule_id in ("immunosuppressant", "skin_disease_at_site", "acne_or_inflammation_at_site"):
        assert rules[rule_id].label == "regulatory" and rules[rule_id].sources == ("mesohyal_consent",)
    assert rules["regulatory_warning"].label == "regulatory"
    assert {"us_fda_2023", "france_decree_2011_382", "philippine_fda_2019"} <= set(rules["regulatory_warning"].sources)
    assert (rules["prescription_only_ingredient"].label, rules["prescription_only_ingredient"].sources) == (
        "regulatory", ("dutasteride_label",))
    for rule_id in ("prescribed_aspirin_nsaid", "aspirin_nsaid_recent"):
        assert rules[rule_id].label == "course_policy" and "14" in rules[rule_id].reason
    assert rules["past_immunosuppressant"].label == "course_policy"
    assert "washout" in rules["past_immunosuppressant"].reason
    # seed 000 would exclude an allergic patient: removing the allergen is the course's policy, said so
    assert rules["ingredient_allergy"].label == "course_policy"
    assert "seed 000" in rules["ingredient_allergy"].explanation.lower()
    kb = knowledge.load()
    for rule in rules.values():  # no rule is attributed to a seed it does not quote
        assert all(kb.sources[s].kind != "seed" for s in rule.sources) or rule.quote, rule.id


# --- version 1 answers kept, and the spec's table re-read independently ---------------------
V1_CASES = [  # (patient, cocktail, decision, reasons, excluded, wait_days) as version 1 of the spec states them
    ({"pregnant": True}, ["hyaluronic_acid", "organic_silicon"], "decline",
     ("pregnancy", "organic_silicon_restriction"),
     {"organic_silicon"}, None),
    ({"conditions": ["sensitive_skin"]}, ["hyaluronic_acid", "vitamin_complex"], "proceed_with_precautions",
     ("sensitive_skin",), set(), None),
    ({"medications": [aspirin(5)]}, ["hyaluronic_acid", "amino_acids"], "defer", ("aspirin_nsaid_recent",), set(), 9),
    ({"medications": [{"id": "anticoagulant", "days_since_last_dose": 0, "prescribed": True}]}, ["hyaluronic_acid"],
     "refer", ("anticoagulant",), set(), None),
    ({"allergies": ["vitamin_c"]}, ["vitamin_c", "hyaluronic_acid", "antioxidants"], "modify_cocktail",
     ("ingredient_allergy",), {"vitamin_c"}, None),
    ({"conditions": ["diabetes"]}, ["hyaluronic_acid", "minerals"], "proceed", (), {"organic_silicon"}, None),
    ({"conditions": ["acute_illness", "sensitive_skin"], "medications": [aspirin(20, prescribed=True, drug="nsaid")]},
     ["hyaluronic_acid", "plant_extracts"], "defer", ("acute_illness", "sensitive_skin"), set(), None),
    ({"conditions": ["autoimmune_disease", "skin_infection_at_site"]}, ["hyaluronic_acid", "centella_asiatica"],
     "decline", ("autoimmune_disease", "skin_infection_at_site"), set(), None),
    ({"breastfeeding": True, "medications": [aspirin(1, prescribed=True)]}, ["hyaluronic_acid", "vitamin_c"],
     "decline", ("breastfeeding", "prescribed_aspirin_nsaid"), {"organic_silicon"}, None),
    ({"allergies": ["vitamin_c"], "conditions": ["sensitive_skin"]}, ["vitamin_c", "antioxidants"],
     "modify_cocktail", ("ingredient_allergy", "sensitive_skin"), {"vitamin_c"}, None),
]


def test_a_version_1_case_with_deoxycholic_acid_now_also_fires_the_regulatory_warning():
    result = screen({"allergies": ["vitamin_c"], "conditions": ["sensitive_skin"]}, ["vitamin_c", "deoxycholic_acid"])
    assert result.reasons == ("ingredient_allergy", "regulatory_warning", "sensitive_skin")
    assert result.excluded_ingredients == {"vitamin_c", "deoxycholic_acid"}


@pytest.mark.parametrize(("patient", "cocktail", "decision", "reasons", "excluded", "wait"), V1_CASES)
def test_version_1_cases_keep_their_answers(patient, cocktail, decision, reasons, excluded, wait):
    result = screen(patient, cocktail)
    assert (result.decision, result.reasons, result.excluded_ingredients, result.wait_days) == (
        decision, reasons, frozenset(excluded), wait)


SEVERITY = ["proceed", "proceed_with_precautions", "modify_cocktail", "defer", "refer", "decline"]
TABLE = [
    "pregnancy", "breastfeeding", "autoimmune_disease", "immunosuppressant", "bleeding_disorder", "anticoagulant",
    "past_immunosuppressant", "prescription_only_ingredient", "prescribed_aspirin_nsaid", "aspirin_nsaid_recent",
    "skin_infection_at_site", "skin_disease_at_site",
    "acne_or_inflammation_at_site", "acute_illness", "ingredient_allergy", "organic_silicon_restriction",
    "regulatory_warning", "sensitive_skin",
]
NEW_IDS = {"immunosuppressant", "skin_disease_at_site", "acne_or_inflammation_at_site"}
V3_RULES = {"past_immunosuppressant", "prescription_only_ingredient"}
SILICON_CONDITIONS = {"diabetes", "kidney_disease", "pathological_edema"}


def spec(patient: dict, cocktail: list[str], version: int = 3) -> tuple:
    """The spec's table and notes (version 3, or version 2 for the answers it must keep),
    re-read independently of course.screening."""
    conditions, allergies = set(patient.get("conditions", [])), set(patient.get("allergies", []))
    pregnant, breastfeeding = patient.get("pregnant", False), patient.get("breastfeeding", False)
    meds = [{"id": m, "days_since_last_dose": 0, "prescribed": False} if isinstance(m, str)
            else {"days_since_last_dose": 0, "prescribed": False, **m} for m in patient.get("medications", [])]
    for m in meds:
        m.setdefault("current", m["days_since_last_dose"] == 0)
    aspirins = [m for m in meds if m["id"] in ("aspirin", "nsaid") and m["days_since_last_dose"] < 14]
    silicon_patient = pregnant or breastfeeding or bool(conditions & SILICON_CONDITIONS)
    regulated = ("phosphatidylcholine_deoxycholate", "glutathione") + (("deoxycholic_acid",) if version >= 3 else ())
    warned = [i for i in regulated if i in cocktail]
    immuno = [m for m in meds if m["id"] == "immunosuppressant"]
    fires = {
        "pregnancy": ("decline", pregnant),
        "breastfeeding": ("decline", breastfeeding),
        "autoimmune_disease": ("decline", "autoimmune_disease" in conditions),
        "immunosuppressant": ("decline", any(m["current"] or version < 3 for m in immuno)),
        "bleeding_disorder": ("decline", "bleeding_disorder" in conditions),
        "anticoagulant": ("refer", any(m["id"] == "anticoagulant" and m["days_since_last_dose"] < 14 for m in meds)),
        "past_immunosuppressant": ("refer", version >= 3 and any(not m["current"] for m in immuno)),
        "prescription_only_ingredient": ("refer", version >= 3 and "dutasteride" in cocktail),
        "prescribed_aspirin_nsaid": ("refer", any(m["prescribed"] for m in aspirins)),
        "aspirin_nsaid_recent": ("defer", any(not m["prescribed"] for m in aspirins)),
        "skin_infection_at_site": ("defer", "skin_infection_at_site" in conditions),
        "skin_disease_at_site": ("defer", "skin_disease_at_site" in conditions),
        "acne_or_inflammation_at_site": ("defer", "acne_or_inflammation_at_site" in conditions),
        "acute_illness": ("defer", "acute_illness" in conditions),
        "ingredient_allergy": ("modify_cocktail", bool(allergies & set(cocktail))),
        "organic_silicon_restriction": ("modify_cocktail", "organic_silicon" in cocktail and silicon_patient),
        "regulatory_warning": ("modify_cocktail", bool(warned)),
        "sensitive_skin": ("proceed_with_precautions", "sensitive_skin" in conditions),
    }
    fired = [rule for rule in TABLE if fires[rule][1]]
    fired.sort(key=lambda rule: -SEVERITY.index(fires[rule][0]))
    decision = fires[fired[0]][0] if fired else "proceed"
    excluded = allergies | ({"organic_silicon"} if silicon_patient else set()) | set(warned)
    defers = [rule for rule in fired if fires[rule][0] == "defer"]
    wait = None
    if decision == "defer" and defers == ["aspirin_nsaid_recent"]:
        wait = 14 - min(m["days_since_last_dose"] for m in aspirins if not m["prescribed"])
    return decision, tuple(fired), frozenset(excluded), wait


CONDITIONS = ["autoimmune_disease", "bleeding_disorder", "diabetes", "kidney_disease", "pathological_edema",
              "skin_infection_at_site", "acute_illness", "sensitive_skin", "skin_disease_at_site",
              "acne_or_inflammation_at_site"]
INGREDIENTS = ["hyaluronic_acid", "vitamin_c", "organic_silicon", "glutathione", "amino_acids",
               "phosphatidylcholine_deoxycholate", "deoxycholic_acid", "dutasteride", "prp"]
MEDICATION_IDS = ["aspirin", "nsaid", "anticoagulant", "immunosuppressant"]


def medications(current: bool) -> st.SearchStrategy:
    """Medication entries; with ``current``, the version-3 flag may be set."""
    optional = {"days_since_last_dose": st.integers(0, 40), "prescribed": st.booleans()}
    if current:
        optional["current"] = st.booleans()
    return st.one_of(st.sampled_from(MEDICATION_IDS),
                     st.fixed_dictionaries({"id": st.sampled_from(MEDICATION_IDS)}, optional=optional))


def patients(current: bool = True) -> st.SearchStrategy:
    return st.fixed_dictionaries({}, optional={
        "pregnant": st.booleans(), "breastfeeding": st.booleans(),
        "conditions": st.lists(st.sampled_from(CONDITIONS), unique=True, max_size=4),
        "allergies": st.lists(st.sampled_from(INGREDIENTS), unique=True, max_size=2),
        "medications": st.lists(medications(current), max_size=3),
    })


def outcome(patient: dict, cocktail: list[str]) -> tuple:
    result = screen(patient, cocktail)
    return result.decision, result.reasons, result.excluded_ingredients, result.wait_days


@settings(max_examples=600, deadline=None)
@given(patient=patients(), cocktail=st.lists(st.sampled_from(INGREDIENTS), unique=True, max_size=4))
def test_screen_agrees_with_the_spec_table_on_generated_patients(patient, cocktail):
    assert outcome(patient, cocktail) == spec(patient, cocktail)
    uses_new = (set(patient.get("conditions", [])) & NEW_IDS
                or any((m if isinstance(m, str) else m["id"]) in NEW_IDS for m in patient.get("medications", []))
                or {"glutathione", "phosphatidylcholine_deoxycholate", "deoxycholic_acid"} & set(cocktail))
    if not uses_new and "dutasteride" not in cocktail:  # a version-1 case: none of the later rules can fire
        assert not set(outcome(patient, cocktail)[1]) & (V3_RULES | {
            "immunosuppressant", "skin_disease_at_site", "acne_or_inflammation_at_site", "regulatory_warning"})


def version_3_changes(patient: dict, cocktail: list[str]) -> bool:
    """What version 3 says may change a version-2 answer: deoxycholic acid, dutasteride, or an
    immunosuppressant entry last taken more than 0 days ago."""
    immuno_days = [m.get("days_since_last_dose", 0) for m in patient.get("medications", [])
                   if isinstance(m, dict) and m["id"] == "immunosuppressant"]
    return bool({"deoxycholic_acid", "dutasteride"} & set(cocktail)) or any(days > 0 for days in immuno_days)


@settings(max_examples=400, deadline=None)
@given(patient=patients(current=False), cocktail=st.lists(st.sampled_from(INGREDIENTS), unique=True, max_size=4))
def test_version_2_cases_keep_their_answers_where_version_3_says_so(patient, cocktail):
    if not version_3_changes(patient, cocktail):
        assert outcome(patient, cocktail) == spec(patient, cocktail, version=2)


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
        ({"medications": [{"id": "immunosuppressant", "days_since_last_dose": -1}]}, (), "days_since_last_dose"),
        ({"medications": [{"id": "immunosuppressant", "prescribed": "yes"}]}, (), "prescribed"),
        ({"medications": [{"id": "immunosuppressant", "current": "yes"}]}, (), "current"),
        ({"medications": [{"id": "aspirin", "days_since_last_dose": 3, "current": 1}]}, (), "current"),
        ({"medications": [{"id": "immunosuppressant", "current": None}]}, (), "current"),
        ({"conditions": ["eczema"]}, (), "eczema"),
        ({}, ["fat_dissolver"], "fat_dissolver"),
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
