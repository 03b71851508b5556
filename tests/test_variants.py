"""Trainees' variants: drawn from the items' parameter ranges, answered by the engines,
spread so that copying another variant does not pay, refused when a draw breaks a constraint
(its rule family, what it must keep, its answer cell), and allocated by an HMAC of the course
secret."""

from __future__ import annotations

import hashlib
import hmac
import stat
from pathlib import Path

import pytest

from course.assignments import ASSIGNMENTS
from course.assignments.allocation import assignment_key, course_variant, ensure_secret, read_secret, variant_for
from course.assignments.build import write_sources
from course.assignments.catalog import DATA_DIR, case_data
from course.assignments.grader import _with_variant
from course.assignments.items.parameters import shown
from course.assignments.items.realise import realise
from course.assignments.source_notebook import split_variants
from course.assignments.variants import VariantError, load_variants
from course.cli import main
from course.coursedir import Course
from course.depth import technique_for_depth, tip_depth_mm
from course.errors import BAD_INPUT, MesocourseError
from course.knowledge import load as load_kb
from course.screening import exercised, screen

ASPIRIN_CASE = '''      days: {path: patient.medications.0.days_since_last_dose, range: [1, 30]}
      name: {choices: [Chloe, Clara, Celia, Carmen]}
      age: {choices: [52, 44, 57, 61]}'''
PROBLEM_01 = ("      geometry: {paths: [needle_mm, angle_deg], "
              "choices: [[4, 60], [4, 10], [6, 60], [13, 10], [4, 35], [6, 45], [13, 25], [4, 15],")


def _data_with(tmp_path: Path, old: str, new: str, name: str = "screening") -> Path:
    for file in DATA_DIR.glob("*.yaml"):
        (tmp_path / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    text = (tmp_path / f"{name}.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    (tmp_path / f"{name}.yaml").write_text(text.replace(old, new), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_variant_shares_the_answer_cells_points_and_tags_of_the_written_items(name: str) -> None:
    drawn = load_variants(name)
    assert drawn.count == 8
    written = drawn.written
    assert drawn.variants[0] == written  # variant 1 is the items as written: the source's solutions answer it
    for variant in drawn.variants:
        assert variant.points == written.points
        for mine, base in zip(variant.questions, written.questions):
            assert (mine.id, mine.title, mine.points, mine.competencies, mine.critical) == \
                   (base.id, base.title, base.points, base.competencies, base.critical)
            assert [(f.name, f.kind, f.weight, f.template) for f in mine.fields] == \
                   [(f.name, f.kind, f.weight, f.template) for f in base.fields]
            item = next(i for i in case_data(name) if i.id == mine.id)
            for tag in set(item.keep or ()) & set(base.params):
                assert mine.params[tag] == base.params[tag], (name, mine.id, tag)
            assert mine.params.get("family") == base.params.get("family")  # a case keeps its rule family


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_a_hidden_test_holds_the_fields_once_and_per_variant_only_what_differs(name: str) -> None:
    """What the trusted grader rebuilds for each variant (shared entries, then the variant's own)
    is exactly that variant's frozen fields, and nothing shared is written again per variant."""
    drawn = load_variants(name)
    for question_id in drawn.varied:
        variants = tuple(v.question(question_id) for v in drawn.variants)
        shared, own = split_variants(variants)
        for variant, mine in zip(variants, own):
            assert _with_variant(shared, mine) == [f.spec() for f in variant.fields]
        assert all(set(entries).isdisjoint(fields) for mine in own for entries, fields in zip(mine, shared))


def test_screening_variants_differ_and_each_answer_is_the_engines() -> None:
    drawn = load_variants("screening")
    items = {item.id: item for item in case_data("screening")}
    varied = [item_id for item_id, item in items.items() if item.vary]
    assert len(varied) == len(items)  # every screening item has ranges
    for item_id in varied:
        draws = [values[item_id] for values in drawn.values]
        assert len({repr(sorted(d.items())) for d in draws}) == drawn.count, item_id  # distinct draws
        for number, values in enumerate(drawn.values):
            item = realise(items[item_id], values[item_id])
            result = screen(item.patient, item.cocktail)
            fields = {f.name: f for f in drawn.variants[number].question(item_id).fields}
            assert fields[f"{item_id}_decision"].expected == result.decision
            assert sorted(fields[f"{item_id}_reasons"].expected) == sorted(result.reasons)
            assert sorted(fields[f"{item_id}_excluded"].expected) == sorted(result.excluded_ingredients)
    # the aspirin case keeps its family, not its answer: deferred, referred or past the 14 days
    families = {rule.id: rule.family for rule in load_kb().screening.rules}
    decisions = set()
    for number, values in enumerate(drawn.values):
        case = realise(items["case_03"], values["case_03"])
        assert "bleeding_medicines" in {families[r] for r in exercised(case.patient, case.cocktail)}
        decisions.add(drawn.variants[number].question("case_03").params["decision"])
    assert decisions == {"defer", "refer", "proceed"}


def test_depth_variants_show_their_own_needle_and_reach_different_bands() -> None:
    drawn = load_variants("depth")
    techniques = set()
    for values, variant in zip(drawn.values, drawn.variants):
        needle, angle = values["problem_01"]["geometry"]
        question = variant.question("problem_01")
        assert f"at {shown(angle)} degrees" in question.prompt and f"{shown(needle)} mm" in question.prompt
        fields = {f.name: f for f in question.fields}
        assert fields["problem_01_tip_depth"].expected == round(tip_depth_mm(needle, angle), 3)
        techniques.add(fields["problem_01_technique"].expected)
        assert technique_for_depth(tip_depth_mm(needle, angle)) == fields["problem_01_technique"].expected
    assert len(techniques) >= 3


def test_the_draw_is_reproducible_from_its_seed() -> None:
    first = load_variants("planning", 5, "clinic-a")
    load_variants.cache_clear()
    assert load_variants("planning", 5, "clinic-a").values == first.values
    assert load_variants("planning", 5, "clinic-b").values != first.values


def test_the_builder_refuses_a_draw_that_loses_what_the_item_keeps_naming_the_item_and_the_parameter(
        tmp_path: Path) -> None:
    data = _data_with(tmp_path, ASPIRIN_CASE, ASPIRIN_CASE + "\n    keep: [decision]")
    with pytest.raises(VariantError, match=r"screening.yaml: entry 'case_03', field 'vary\.[a-z]+(, vary\.[a-z]+)*': "
                                           r"variant \d+ draws .*and then its decision is '[a-z_]+' where the written "
                                           r"item's is 'defer'") as caught:
        load_variants("screening", 8, "mesocourse", data)
    assert isinstance(caught.value, MesocourseError) and caught.value.exit_code == BAD_INPUT


def test_the_builder_refuses_a_case_whose_variants_leave_its_rule_family(tmp_path: Path) -> None:
    data = _data_with(tmp_path, "    family: cocktail_for_this_patient\n    patient: {allergies: [vitamin_c]}",
                      "    family: cocktail_for_this_patient\n    patient: {allergies: [vitamin_c]}")
    text = (data / "screening.yaml").read_text(encoding="utf-8")
    allergy = ("      allergy: {path: patient.allergies.0, "
               "choices: [vitamin_c, antioxidants, hyaluronic_acid, enzymes, prp]}")
    assert text.count(allergy) == 1  # case_05: an allergy, in the cocktail or not
    either = "      allergy: {path: patient, choices: [{allergies: [vitamin_c]}, {conditions: [sensitive_skin]}]}"
    (data / "screening.yaml").write_text(text.replace(allergy, either), encoding="utf-8")
    with pytest.raises(VariantError,
                       match=r"entry 'case_05', field 'vary.allergy'.*allergy = \{'conditions': \['sensitive_skin'\]\}"
                             r".*tests no rule of its family 'cocktail_for_this_patient' \(it tests: sensitive_skin\)"):
        load_variants("screening", 8, "mesocourse", data)
    unknown = _data_with(tmp_path / "unknown",
                         "    family: immunosuppression\n    patient:\n      medications: [{id: immunosuppressant, "
                         "days_since_last_dose: 0",
                         "    family: immunity\n    patient:\n      medications: [{id: immunosuppressant, "
                         "days_since_last_dose: 0") if (tmp_path / "unknown").mkdir() is None else None
    with pytest.raises(MesocourseError, match=r"entry 'case_11', field 'family': unknown rule family 'immunity'"):
        load_variants("screening", 8, "mesocourse", unknown)


def test_the_builder_refuses_a_draw_the_knowledge_base_refuses(tmp_path: Path) -> None:
    data = _data_with(tmp_path,
                      "choices: [diabetes, kidney_disease, pathological_edema]}\n      cocktail: {path: cocktail, "
                      "choices: [[organic_silicon, amino_acids]",
                      "choices: [diabetes, diabetis]}\n      cocktail: {path: cocktail, choices: [[organic_silicon, "
                      "amino_acids]")
    with pytest.raises(VariantError, match=r"entry 'case_06', field 'vary.condition'.*condition = diabetis.*"
                                           r"unknown condition ID 'diabetis'"):
        load_variants("screening", 8, "mesocourse", data)


def test_a_variant_that_would_change_the_answer_cell_or_keep_an_unknown_answer_is_refused(tmp_path: Path) -> None:
    data = _data_with(tmp_path, "    ask: [tip_depth, technique]\n    vary:",
                      "    ask: [tip_depth, technique]\n    keep: [colour]\n    vary:",
                      "depth")
    with pytest.raises(VariantError, match=r"entry 'problem_01', field 'keep': 'colour' is neither a scenario tag"):
        load_variants("depth", 8, "mesocourse", data)
    (tmp_path / "asks").mkdir()
    data = _data_with(tmp_path / "asks", PROBLEM_01,
                      "      asks: {path: ask, choices: [[tip_depth, technique], [technique]]}\n" + PROBLEM_01, "depth")
    with pytest.raises(VariantError, match=r"entry 'problem_01', field 'vary.asks'.*asks = \['technique'\].*"
                                           r"its answer cell differs from the written item's"):
        load_variants("depth", 8, "mesocourse", data)


def test_a_variant_on_a_band_edge_is_refused(tmp_path: Path) -> None:
    """4 mm at 90 degrees is exactly 4.00 mm, the edge of the scheme's intradermal band: which
    level it names would rest on a boundary convention, so the builder refuses the draw."""
    data = _data_with(tmp_path, PROBLEM_01,
                      "      geometry: {paths: [needle_mm, angle_deg], choices: [[4, 60], [4, 90]]}\n"
                      "      unused: {choices: [[4, 10], [6, 60], [13, 10], [4, 35], [6, 45], [13, 25], [4, 15],",
                      "depth")
    with pytest.raises(VariantError, match=r"entry 'problem_01', field 'vary.geometry'.*geometry = \[4, 90\].*"
                                           r"a tip at 4.00 mm is on the edge of a teaching-scheme level \(4 mm\)"):
        load_variants("depth", 8, "mesocourse", data)


def test_the_depth_variants_draw_no_tip_on_a_band_edge() -> None:
    drawn = load_variants("depth")
    scheme_edges = {e for t in load_kb().depth_techniques.values() for e in (t.scheme.from_mm, t.scheme.up_to_mm)}
    for values in drawn.values:
        tip = tip_depth_mm(*values["problem_01"]["geometry"])
        assert all(abs(tip - edge) >= 0.005 for edge in scheme_edges), tip


def test_a_text_placeholder_without_a_parameter_is_named(tmp_path: Path) -> None:
    data = _data_with(tmp_path, '"{name}, {age}, had a headache', '"{name}, {agee}, had a headache')
    with pytest.raises(MesocourseError, match=r"entry 'case_03', field 'who'.*\{agee\} is not a parameter"):
        load_variants("screening", 8, "mesocourse", data)


# --- allocation ---------------------------------------------------------------
def test_the_course_secret_is_private_and_the_allocation_is_an_hmac_of_it(tmp_path: Path) -> None:
    path = ensure_secret(Course(tmp_path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    secret = read_secret(Course(tmp_path))
    assert len(secret) == 32
    assert ensure_secret(Course(tmp_path)) == path and read_secret(Course(tmp_path)) == secret  # kept
    key = hmac.new(secret, b"variant-key:screening", hashlib.sha256).digest()
    by_hand = int.from_bytes(hmac.new(key, b"trainee_07", hashlib.sha256).digest()[:8], "big") % 8
    by_api = course_variant(Course(tmp_path), "screening", "trainee_07", 8)
    assert by_api == by_hand == variant_for(key, "trainee_07", 8)
    cohort = [f"t{n:03d}" for n in range(400)]
    spread = [course_variant(Course(tmp_path), "screening", t, 8) for t in cohort]
    assert set(spread) == set(range(8))
    other = [variant_for(assignment_key(b"another course" * 2, "screening"), t, 8) for t in cohort]
    assert spread != other  # another course's secret allocates otherwise
    assert spread != [course_variant(Course(tmp_path), "planning", t, 8) for t in cohort]  # and each assignment afresh


def test_the_variants_command_lists_each_trainees_variant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_sources(Course(tmp_path), ("screening",), 5)
    assert main(["variants", "screening", "--course", str(tmp_path), "--student", "ann"]) == BAD_INPUT
    assert "no variant secret" in capsys.readouterr().err
    ensure_secret(Course(tmp_path))
    assert main(["variants", "screening", "--course", str(tmp_path), "--student", "ann", "--student", "bo"]) == 0
    out = capsys.readouterr().out.splitlines()
    expected = {t: course_variant(Course(tmp_path), "screening", t, 5) for t in ("ann", "bo")}
    assert out[:2] == [f"ann  variant {expected['ann'] + 1} of 5", f"bo   variant {expected['bo'] + 1} of 5"]
    assert out[2].startswith("screening: 2 trainees over 5 variants: variant 1: ")
