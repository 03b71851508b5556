"""Knowledge base: loads, is sourced, and rejects broken copies with a precise error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from prerequisites import require

from course import knowledge
from course.knowledge import DATA_DIR, KnowledgeError, load_from, provenance
from course.knowledge.consistency import cited, models

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def test_loads_and_is_cached():
    kb = knowledge.load()
    assert kb is knowledge.load()
    assert {"face", "scalp"} <= set(kb.areas)
    assert len([s for s in kb.sources.values() if s.kind == "seed"]) == 5


def seeds_folder_or_skip(folder: Path) -> Path:
    """The shared seeds folder; without it the quote check skips, except under CI=true,
    where a missing folder fails (CI must check every quote)."""
    require(None if folder.is_dir() else
            f"no seeds folder at {folder}: the quotes are checked where the course's shared folder "
            "(seeds, reference, specs) is checked out beside this one, as ../shared")
    return folder


def test_a_missing_seeds_folder_skips_outside_ci_and_fails_under_ci(tmp_path, monkeypatch):
    missing = tmp_path / "no-seeds"
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no seeds folder"):
        seeds_folder_or_skip(missing)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        seeds_folder_or_skip(missing)
    assert seeds_folder_or_skip(tmp_path) == tmp_path


def test_every_quote_is_found_in_a_seed_its_entry_cites():
    """Every quote of every entry, in every file, is verbatim text of one of the seeds the
    entry cites, and every seed an entry cites backs it with at least one quote.

    Matching is exact after collapsing whitespace and making typographic quotes and
    dashes plain (the seeds mix both); it is case-sensitive; `[...]` segments must
    appear in order. Without the shared seeds the test skips, except under CI.
    """
    kb = knowledge.load()
    texts = provenance.read_seeds(seeds_folder_or_skip(SEEDS), kb.sources.values())
    assert sorted(texts) == [s.id for s in kb.sources.values() if s.kind == "seed"]
    assert provenance.all_quote_problems(kb.files, texts) == []
    quoted = [c for name, content in kb.files.items() for c in provenance.citations(name, content, texts) if c.quotes]
    assert len(quoted) >= 90  # the check ran over the whole knowledge base, not over nothing


SEED_A = "Mesotherapy is a \u201cgentle\u201d   treatment.\nIt doesn\u2019t hurt \u2013 much. Results last 3-4 months."
SEED_B = "Avoid aspirin for at least 2 weeks."


@pytest.mark.parametrize("quote, found", [
    ("Mesotherapy is a \"gentle\" treatment.", True),        # typographic quotes, collapsed spaces
    ("It doesn't hurt - much.", True),                      # typographic apostrophe and dash
    ("treatment. It doesn't", True),                        # a line break is a space
    ("Mesotherapy is [...] treatment. [...] 3-4 months.", True),
    ("3-4 months. [...] Mesotherapy is", False),            # segments must keep the seed's order
    ("mesotherapy is a", False),                            # case-sensitive
    ("Results last 6 months.", False),
    ("[...]", False),                                       # an elision alone quotes nothing
])
def test_quote_matching(quote, found):
    assert provenance.found_in(quote, SEED_A) is found


def test_each_quote_must_be_in_a_cited_seed_and_each_cited_seed_backed():
    texts = {"seed_a": SEED_A, "seed_b": SEED_B}
    ok = provenance.Citation("care.yaml", "stop", "quote", ("seed_a", "seed_b"),
                             ("Results last 3-4 months.", "at least 2 weeks"))
    assert provenance.quote_problems(ok, texts) == []
    misquoted = provenance.Citation("care.yaml", "stop", "quote", ("seed_a",), ("at least 2 weeks",))
    assert provenance.quote_problems(misquoted, texts) == [
        "care.yaml: entry 'stop', field 'quote': 'at least 2 weeks' is not in seed_a",
        "care.yaml: entry 'stop', field 'quote': cites seed_a but none of its quotes is from seed_a",
    ]
    unbacked = provenance.Citation("care.yaml", "stop", "quote", ("seed_a", "seed_b"), ("at least 2 weeks",))
    assert provenance.quote_problems(unbacked, texts) == [
        "care.yaml: entry 'stop', field 'quote': cites seed_a but none of its quotes is from seed_a"]
    orphan = provenance.Citation("care.yaml", "stop", "quote", (), ("at least 2 weeks",))
    assert "cites no seed" in provenance.quote_problems(orphan, texts)[0]


def test_disputed_facts_keep_each_source_value():
    kb = knowledge.load()
    face = {p.source: p.value for p in next(d for d in kb.disputes.disputes if d.id == "face_course").positions}
    assert {"seed_000", "seed_002", "seed_004"} <= set(face)
    assert len(set(face.values())) == len(face)
    duration = next(d for d in kb.disputes.disputes if d.id == "duration_of_effect")
    assert {p.value for p in duration.positions} == {"3-4 months", "1-2 years"}
    assert "no reliable figure" in duration.verdict.text.lower()
    nappage = kb.depth_techniques["superficial_intradermal"].other_values
    assert {"sfm", "training_sites"} <= {v.source for v in nappage}


@pytest.mark.parametrize("dispute_id, sides", [
    ("results_onset", {"seed_001", "seed_002", "seed_003", "seed_004"}),
    ("layer", {"seed_000", "seed_001", "seed_002", "seed_003", "seed_004", "konda_thappa_2013"}),
    ("who_may_inject", {"seed_000", "mammucari_2011"}),
    ("sun_exposure", {"seed_000", "seed_001", "seed_004"}),
    ("pain", {"seed_002", "seed_004", "saceda_corralo_2022"}),
    ("downtime", {"seed_000", "seed_003", "seed_004"}),
    ("safety_condition", {"seed_000"}),
])
def test_seed_disagreements_are_taught_as_disputes_with_each_seed_quoted(dispute_id, sides):
    kb = knowledge.load()
    dispute = next(d for d in kb.disputes.disputes if d.id == dispute_id)
    assert sides <= {p.source for p in dispute.positions}
    assert len({p.value for p in dispute.positions}) >= 2
    for position in dispute.positions:
        assert bool(position.quote) == (kb.sources[position.source].kind == "seed"), (dispute_id, position.source)


def test_claims_the_course_adds_are_labelled_course_policy_with_a_reason():
    kb = knowledge.load()
    stop = next(s for s in kb.care.pre_treatment if s.id == "stop_aspirin_nsaid")
    assert stop.label == "course_policy" and "NSAID" in stop.reason
    assert all(i.roles_basis.label == "course_policy" for i in kb.indications.values() if i.roles)
    assert "analgesic_choice" not in {s.id for s in kb.care.aftercare}
    severe = next(r for r in kb.complications.reactions if r.id == "severe_pain")
    assert severe.triage == "urgent" and severe.label == "course_policy"


def test_areas_without_figures_say_so():
    kb = knowledge.load()
    for area_id in ("abdomen", "thighs"):
        assert "no reliable" in kb.areas[area_id].no_reliable_figure.lower()


def test_fat_dissolving_is_unapproved_or_banned():
    pcdc = knowledge.load().ingredients["phosphatidylcholine_deoxycholate"]
    assert {r.status for r in pcdc.regulatory} == {"unapproved", "banned"}


def test_spec_ids_exist():
    kb = knowledge.load()
    conditions = {c.id for c in kb.screening.conditions}
    assert {"autoimmune_disease", "bleeding_disorder", "diabetes", "kidney_disease", "pathological_edema",
            "skin_infection_at_site", "acute_illness", "sensitive_skin"} <= conditions
    assert {"aspirin", "nsaid", "anticoagulant"} <= {m.id for m in kb.screening.medications}
    assert {"hyaluronic_acid", "vitamin_complex", "vitamin_c", "organic_silicon", "centella_asiatica",
            "glutathione", "amino_acids", "minerals", "antioxidants", "enzymes", "plant_extracts",
            "local_anesthetic", "prp"} <= set(kb.ingredients)


# --- broken copies --------------------------------------------------------------------
@pytest.fixture
def broken(tmp_path):
    """Copy the knowledge base to a temp folder; return an editor for one of its files."""
    target = tmp_path / "kb"
    shutil.copytree(DATA_DIR, target)

    def edit(name: str, change) -> Path:
        path = target / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return target

    return edit


def find(items, item_id):
    return next(item for item in items if item["id"] == item_id)


def assert_error(directory, file, entry, field, message):
    with pytest.raises(KnowledgeError) as caught:
        load_from(directory)
    error = caught.value
    assert (error.file, error.entry, error.field) == (file, entry, field), str(error)
    assert message in error.message
    assert file in str(error) and field in str(error)


def test_unmodified_copy_loads(broken):
    assert len(load_from(broken("sources.yaml", lambda d: None)).ingredients) > 10


def test_unknown_source(broken):
    directory = broken("ingredients.yaml",
                       lambda d: find(d["ingredients"], "glutathione")["cautions"][0].update(sources=["seed_999"]))
    assert_error(directory, "ingredients.yaml", "glutathione", "cautions[0].sources", "unknown source 'seed_999'")


def test_missing_sources(broken):
    directory = broken("screening.yaml", lambda d: find(d["rules"], "pregnancy").update(sources=[]))
    assert_error(directory, "screening.yaml", "pregnancy", "sources", "at least 1")


def test_missing_label(broken):
    directory = broken("protocols.yaml", lambda d: find(d["protocols"], "body_004").pop("label"))
    assert_error(directory, "protocols.yaml", "body_004", "label", "required")


def test_bad_range(broken):
    directory = broken("areas.yaml",
                       lambda d: find(d["areas"], "face_chin")["layers"]["subcutaneous_fat"].update(range_mm=[5, 2]))
    assert_error(directory, "areas.yaml", "face_chin", "layers.subcutaneous_fat", "low <= high")


def test_unknown_field_is_a_typo_not_ignored(broken):
    directory = broken("ingredients.yaml", lambda d: find(d["ingredients"], "prp").update(rolls=["x"]))
    assert_error(directory, "ingredients.yaml", "prp", "rolls", "Extra inputs")


def test_unknown_role(broken):
    directory = broken("ingredients.yaml", lambda d: find(d["ingredients"], "prp").update(roles=["magic"]))
    assert_error(directory, "ingredients.yaml", "prp", "roles", "unknown role 'magic'")


def test_unknown_area_in_indication(broken):
    directory = broken("indications.yaml", lambda d: find(d["indications"], "hair_loss").update(areas=["scalpp"]))
    assert_error(directory, "indications.yaml", "hair_loss", "areas", "unknown area 'scalpp'")


def test_duplicate_id(broken):
    directory = broken("protocols.yaml", lambda d: d["protocols"].append(dict(d["protocols"][0])))
    assert_error(directory, "protocols.yaml", "face_004", "id", "duplicate ID")


def test_unknown_condition_in_rule(broken):
    directory = broken("screening.yaml", lambda d: find(d["rules"], "acute_illness")["when"].update(condition="flu"))
    assert_error(directory, "screening.yaml", "acute_illness", "when.condition", "unknown condition 'flu'")


def test_unknown_decision(broken):
    directory = broken("screening.yaml", lambda d: find(d["rules"], "acute_illness").update(decision="maybe"))
    assert_error(directory, "screening.yaml", "acute_illness", "decision", "unknown decision 'maybe'")


def test_rule_with_two_tests(broken):
    directory = broken("screening.yaml", lambda d: find(d["rules"], "acute_illness")["when"].update(flag="pregnant"))
    assert_error(directory, "screening.yaml", "acute_illness", "when", "exactly one test")


def test_variable_phase_must_be_last(broken):
    def change(data):
        find(data["protocols"], "face_002")["phases"][0]["sessions"] = [3, 4]
    assert_error(broken("protocols.yaml", change), "protocols.yaml", "face_002", "phases",
                 "only the last phase")


def test_depth_scheme_gap(broken):
    directory = broken("techniques.yaml",
                       lambda d: find(d["depth_techniques"], "intradermal")["scheme"].update(from_mm=2.5))
    assert_error(directory, "techniques.yaml", "intradermal", "scheme.from_mm", "previous technique")


def test_seed_citation_without_its_quote_is_refused(broken):
    directory = broken("care.yaml", lambda d: find(d["pre_treatment"], "be_healthy").pop("quote"))
    assert_error(directory, "care.yaml", "be_healthy", "quote", "cites seed_004 but gives no verbatim `quote:`")


def test_nested_seed_citation_without_its_quote_is_refused(broken):
    directory = broken("ingredients.yaml",
                       lambda d: find(d["ingredients"], "organic_silicon")["cautions"][1].pop("quote"))
    assert_error(directory, "ingredients.yaml", "organic_silicon", "cautions[1].quote", "cites seed_004")


def test_ingredient_roles_without_their_quote_are_refused(broken):
    directory = broken("ingredients.yaml", lambda d: find(d["ingredients"], "vitamin_c").pop("role_quote"))
    assert_error(directory, "ingredients.yaml", "vitamin_c", "role_quote",
                 "cites seed_002 but gives no verbatim `role_quote:`")


def test_course_policy_without_a_reason_is_refused(broken):
    directory = broken("care.yaml", lambda d: find(d["pre_treatment"], "stop_aspirin_nsaid").pop("reason"))
    assert_error(directory, "care.yaml", "stop_aspirin_nsaid", "reason", "a `course_policy` entry needs a `reason`")


def test_invalid_yaml_names_the_file(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "kb")
    (tmp_path / "kb" / "care.yaml").write_text("pre_treatment: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="care.yaml.*not valid YAML"):
        load_from(tmp_path / "kb")


def test_missing_file_is_named(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "kb")
    (tmp_path / "kb" / "disputes.yaml").unlink()
    with pytest.raises(KnowledgeError, match="disputes.yaml.*missing"):
        load_from(tmp_path / "kb")


def test_a_triage_window_reaching_into_the_late_warning_signs_is_refused(broken):
    directory = broken("complications.yaml", lambda d: find(d["reactions"], "persistent_itching").update(days=[2, 10]))
    assert_error(directory, "complications.yaml", "persistent_itching", "days",
                 "but from day 7 'tender_nodules' is urgent")


def test_an_expected_reaction_without_a_closed_window_is_refused(broken):
    directory = broken("complications.yaml", lambda d: find(d["reactions"], "redness").update(days=[0, None]))
    with pytest.raises(KnowledgeError, match="closed window") as caught:
        load_from(directory)
    assert caught.value.file == "complications.yaml" and "redness" in str(caught.value)


# --- one label per source ------------------------------------------------------------
def test_every_statement_carries_the_label_of_the_sources_it_cites():
    """A source's claims share its label: the HAS is regulatory everywhere; a statement
    from sources with different labels is split by source or is course policy."""
    kb = knowledge.load()
    labels = {s.id: s.label for s in kb.sources.values()}
    assert [str(p) for name, content in kb.files.items() if name != "sources.yaml"
            for p in provenance.label_problems(name, content, labels)] == []
    has_statements = [model for content in kb.files.values() for _, _, model in models(content)
                      if "has_2014" in cited(getattr(model, "sources", None) or getattr(model, "source", None) or ())]
    assert len(has_statements) >= 10
    assert {m.label for m in has_statements} <= {"regulatory", "course_policy"}


def test_a_statement_labelled_unlike_its_source_is_refused(broken):
    expectations = yaml.safe_load((DATA_DIR / "consultation.yaml").read_text(encoding="utf-8"))["expectations"]
    index = next(i for i, e in enumerate(expectations) if e.get("sources") == ["has_2014"])
    directory = broken("consultation.yaml", lambda d: d["expectations"][index].update(label="published_study"))
    with pytest.raises(KnowledgeError) as caught:
        load_from(directory)
    error = caught.value
    assert (error.file, error.field) == ("consultation.yaml", f"expectations[{index}].label"), str(error)
    assert "is `published_study` but cites has_2014 (regulatory): one label per source" in error.message


def test_a_seed_claim_must_cite_a_seed(broken):
    directory = broken("disputes.yaml", lambda d: d["evidence_statements"][1].update(label="seed_claim"))
    assert_error(directory, "disputes.yaml", "", "evidence_statements[1].label", "a `seed_claim` must cite a seed")


# --- whole-procedure claims give no ingredient a role ---------------------------------
def test_no_ingredient_takes_a_role_from_a_claim_about_the_whole_procedure():
    kb = knowledge.load()
    assert [str(p) for i in kb.ingredients.values() for p in provenance.role_problems(i)] == []
    assert kb.ingredients["minerals"].roles == ()
    assert kb.ingredients["amino_acids"].roles == ("microcirculation",)


def test_a_role_quoted_from_a_whole_procedure_claim_is_refused(broken):
    def change(data):
        amino = find(data["ingredients"], "amino_acids")
        amino.update(roles=["nourishment", "microcirculation"], role_sources=["seed_001", "seed_002"],
                     role_quote=["These injections typically consist of vitamins, minerals, and amino acids. "
                                 "The procedure aims to nourish", amino["role_quote"]])
    directory = broken("ingredients.yaml", change)
    assert_error(directory, "ingredients.yaml", "amino_acids", "role_quote",
                 "'The procedure aims to nourish' does not name Amino acids")


def test_a_role_sentence_may_continue_with_a_pronoun_after_naming_the_ingredient():
    from course.knowledge.schema import Ingredient
    silicon = Ingredient(id="s", name="Organic silicon (organic)", roles=["hydration"], role_sources=["seed_004"],
                         evidence=[{"text": "x", "sources": ["sfm"], "label": "practice_guidance"}],
                         role_quote=["Organic silicon is popular. Its main role is hydration.",
                                     "The procedure hydrates. Its main role is hydration."])
    (problem,) = provenance.role_problems(silicon)
    assert "'The procedure hydrates.' does not name Organic silicon" in problem.message


@pytest.mark.parametrize(("ref", "message"), [
    ("techniques.session_steps.handwashing", "no entry 'handwashing' in techniques.yaml session_steps"),
    ("techniques.no_such_section", "no section 'no_such_section' in techniques.yaml"),
    ("nowhere.steps", "no section 'steps' in nowhere.yaml"),
])
def test_an_observation_form_cites_only_entries_that_exist(broken, ref: str, message: str):
    directory = broken("certification.yaml", lambda d: find(d["observed_practice"], "facial_session")["checklist"][1]
                       .update(cites=[ref]))
    assert_error(directory, "certification.yaml", "facial_session", "checklist.hygiene.cites", message)


def test_every_checklist_item_shows_the_text_of_what_it_cites():
    kb = knowledge.load()
    for procedure in kb.certification.observed_practice:
        assert procedure.checklist, procedure.id
        for item in procedure.checklist:
            assert all(kb.entries(ref) for ref in item.cites), item.id
    assert [e.id for e in kb.entries("care.aftercare.report_warning_signs")] == ["report_warning_signs"]


def _claims(node: yaml.Node, where: str, found: dict[int, tuple[str, str]]) -> None:
    """Every mapping with a ``text`` in a composed YAML document, by node: an alias (``*name``)
    is the node it names, so a claim shown in two places through an anchor counts once."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "text" and isinstance(value, yaml.ScalarNode):
                found.setdefault(id(node), (" ".join(value.value.split()), f"{where}:{node.start_mark.line + 1}"))
            _claims(value, where, found)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _claims(item, where, found)


def test_every_claim_is_written_once_in_the_knowledge_base() -> None:
    """No fact typed twice: the same claim in two entries would drift apart; show it from its one
    place (or through a YAML anchor) instead."""
    found: dict[int, tuple[str, str]] = {}
    for path in sorted(DATA_DIR.glob("*.yaml")):
        _claims(yaml.compose(path.read_text(encoding="utf-8")), path.name, found)
    places: dict[str, list[str]] = {}
    for text, where in found.values():
        places.setdefault(text, []).append(where)
    assert {text: where for text, where in places.items() if len(where) > 1} == {}
