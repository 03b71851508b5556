"""course.cocktail: roles covered and missing, cautions, regulatory flags, patient exclusions."""

from __future__ import annotations

import pytest

from course import knowledge
from course.cocktail import check_cocktail, check_for_patient


def test_roles_covered_and_missing():
    needed = knowledge.load().indications["facial_rejuvenation"].roles
    check = check_cocktail("facial_rejuvenation", ["hyaluronic_acid"])
    assert check.roles_needed == needed
    assert set(check.roles_covered) | set(check.roles_missing) == set(needed)
    assert "hydration" in check.roles_covered and "collagen_stimulation" in check.roles_missing


def test_empty_cocktail_misses_every_role():
    check = check_cocktail("hair_loss", [])
    assert check.roles_covered == () and check.roles_missing == check.roles_needed


def test_fat_dissolving_is_flagged_as_unapproved_and_banned():
    check = check_cocktail("localized_fat", ["phosphatidylcholine_deoxycholate"])
    statuses = {f.text for f in check.regulatory_flags}
    assert any("2011-382" in text for text in statuses)
    assert {s for f in check.regulatory_flags for s in f.sources} >= {"us_fda_2010", "france_decree_2011_382"}
    assert check.cautions  # panniculitis and fat necrosis


def test_approved_status_is_not_a_red_flag_but_its_use_in_a_cocktail_is():
    flags = check_cocktail("localized_fat", ["deoxycholic_acid"]).regulatory_flags
    assert [f.ingredient for f in flags] == ["deoxycholic_acid"]  # the FDA's 2023 warning, not the approval
    assert all("Approved in 2015" not in f.text for f in flags) and "us_fda_2023" in flags[0].sources


def test_a_prescription_only_medicine_is_a_red_flag():
    flags = check_cocktail("hair_loss", ["dutasteride", "biotin"]).regulatory_flags
    assert [f.ingredient for f in flags] == ["dutasteride"] and flags[0].sources == ("dutasteride_label",)


def test_glutathione_caution_and_warning():
    check = check_cocktail("pigmentation", ["glutathione", "vitamin_c"])
    assert check.roles_missing == ()
    assert [f.ingredient for f in check.regulatory_flags] == ["glutathione"]
    assert any("philippine_fda_2019" in f.sources for f in check.cautions)


def test_patient_exclusions_come_from_screen():
    result = check_for_patient(
        "facial_rejuvenation", ["hyaluronic_acid", "organic_silicon", "vitamin_c"],
        {"conditions": ["diabetes"], "allergies": ["vitamin_c"]},
    )
    assert result.excluded_in_cocktail == ("organic_silicon", "vitamin_c")
    assert result.safe_cocktail == ("hyaluronic_acid",)
    assert result.screening.decision == "modify_cocktail"


def test_unknown_indication_and_ingredient_are_named():
    with pytest.raises(ValueError, match="wrinkles"):
        check_cocktail("wrinkles", [])
    with pytest.raises(ValueError, match="botox"):
        check_cocktail("facial_rejuvenation", ["botox"])
