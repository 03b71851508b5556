"""Every graded and taught depth question agrees with the course's own layer figures.

The domain reference's coherence rules: a technique's name is not a layer (a "which
needle and angle" question targets a layer on an area and accepts exactly
``placements``), and layer figures are ranges (a "which layer" answer is a single
possible layer, or every possible layer is right). These tests walk every depth item
of every graded assignment and every depth item of the quiz banks, and check that
wherever a facial tip may be below the fat the trainee reads why it is never a target.
"""

from __future__ import annotations

import random
import re

import pytest
import yaml

from course import knowledge
from course.assignments import ASSIGNMENTS, grader
from course.assignments.catalog import DATA_DIR, case_data, load_assignment
from course.assignments.items.depth_problems import NO_FIGURE, DepthItem
from course.demo.personas import wrong_answer
from course.depth import LAYERS, below_the_fat, never_a_target, placements, possible_layers, tip_depth_mm
from course.knowledge import KnowledgeError
from course.paths import QUIZZES as QUIZ_DIR
from course.quiz import QuizError, all_banks, compute
from course.quiz.bank import Compute
from course.quiz.loading import parse_bank

PLACEMENT_OPTION = re.compile(r"^\d+(\.\d+)?mm-\d+(\.\d+)?deg$")


def depth_items() -> list[tuple[str, DepthItem]]:
    return [(name, item) for name in ASSIGNMENTS for item in case_data(name) if isinstance(item, DepthItem)]


def tip_of(item: DepthItem) -> float:
    if item.needle_mm is not None and item.angle_deg is not None:
        return tip_depth_mm(item.needle_mm, item.angle_deg)
    assert item.depth_mm is not None
    return item.depth_mm


def field(name: str, item: DepthItem, ask: str):
    question = load_assignment(name).question(item.id)
    return next(f for f in question.fields if f.name == f"{item.id}_{ask}")


# --- graded assignments -------------------------------------------------------------
def test_every_graded_needle_and_angle_answer_lands_in_one_layer_of_its_area():
    checked = 0
    for name, item in depth_items():
        if "needle_and_angle" not in item.ask:
            continue
        accepted = [(float(c["needle_mm"]), float(c["angle_deg"]))
                    for c in field(name, item, "needle_and_angle").expected]
        assert accepted == placements(item.area, item.target_layer, item.needles_mm, item.angles_deg), item.id
        for needle, angle in accepted:
            layers = possible_layers(tip_depth_mm(needle, angle), item.area)
            assert layers == (item.target_layer,), (item.id, needle, angle)
        checked += 1
    assert checked >= 2  # depth problem_04 and certification reach_dermis


def test_no_graded_which_layer_answer_is_ambiguous():
    checked = 0
    for name, item in depth_items():
        if "layer" not in item.ask:
            continue
        graded = field(name, item, "layer")
        right = tuple(graded.extra.get("accepted", (graded.expected,)))
        try:
            possible = possible_layers(tip_of(item), item.area)
        except ValueError:
            assert right == (NO_FIGURE,), item.id
        else:
            assert right == possible, item.id
            assert len(possible) == 1 or item.accept_possible_layers, item.id
        assert graded.expected in right
        checked += 1
    assert checked >= 6


def test_an_item_that_accepts_every_possible_layer_grades_each_of_them_right():
    name, item = next((n, i) for n, i in depth_items() if i.accept_possible_layers)
    spec = field(name, item, "layer").spec()
    possible = possible_layers(tip_of(item), item.area)
    assert len(possible) > 1
    for layer in (*LAYERS, NO_FIGURE):
        credit, _ = grader.answer_credit(spec, layer, {})
        assert credit == (1.0 if layer in possible else 0.0), layer


def test_a_synthetic_wrong_answer_is_never_an_accepted_layer():
    name, item = next((n, i) for n, i in depth_items() if i.accept_possible_layers)
    graded, rng = field(name, item, "layer"), random.Random(7)
    for _ in range(50):
        assert wrong_answer(graded, rng) not in graded.extra["accepted"]


def test_items_asking_layer_and_technique_say_that_a_technique_name_is_not_a_layer():
    for name, item in depth_items():
        if {"layer", "technique"} <= set(item.ask):
            assert "not a layer" in load_assignment(name).question(item.id).prompt, item.id


# --- the builder refuses case data that would grade a guess ------------------------------
@pytest.fixture
def depth_data(tmp_path):
    """Write a one-item depth.yaml into a fresh data folder and return the folder."""

    def write(item: dict):
        folder = tmp_path / f"data_{item['id']}"
        folder.mkdir()
        raw = yaml.safe_load((DATA_DIR / "depth.yaml").read_text(encoding="utf-8"))
        raw["items"] = [item]
        (folder / "depth.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
        return folder

    return write


def test_a_needle_and_angle_item_no_placement_solves_is_refused(depth_data):
    folder = depth_data({"id": "unreachable", "area": "face", "target_layer": "dermis",
                         "needles_mm": [4, 13], "angles_deg": [30, 90], "ask": ["needle_and_angle"]})
    with pytest.raises(KnowledgeError) as refused:
        load_assignment("depth", folder)
    where = (refused.value.file, refused.value.entry, refused.value.field)
    assert where == ("depth.yaml", "unreachable", "target_layer")
    assert "dermis" in str(refused.value)


def test_an_ambiguous_which_layer_item_is_refused(depth_data):
    folder = depth_data({"id": "ambiguous", "depth_mm": 4, "area": "face", "ask": ["layer"]})
    with pytest.raises(KnowledgeError) as refused:
        load_assignment("depth", folder)
    assert (refused.value.entry, refused.value.field) == ("ambiguous", "ask")
    assert "hypodermis or deeper" in str(refused.value)


def test_an_ambiguous_item_that_accepts_every_possible_layer_is_built(depth_data):
    folder = depth_data({"id": "either", "depth_mm": 4, "area": "face", "accept_possible_layers": True,
                         "ask": ["layer"]})
    graded = load_assignment("depth", folder).questions[0].fields[0]
    assert graded.extra["accepted"] == ("hypodermis", "deeper")


def test_a_technique_is_no_longer_a_target(depth_data):
    folder = depth_data({"id": "old_style", "area": "face", "target_technique": "intradermal",
                         "needles_mm": [4], "angles_deg": [30], "ask": ["needle_and_angle"]})
    with pytest.raises(KnowledgeError, match="target_technique"):
        load_assignment("depth", folder)


# --- quiz banks ------------------------------------------------------------------------
def quiz_depth_items():
    return [item for bank in all_banks() for item in bank.items if item.competency == "depth"]


def _depth_arg(spec: Compute) -> float:
    value = spec.args["depth_mm"]
    return compute.evaluate(Compute.model_validate(value)) if isinstance(value, dict) else value


def test_every_taught_which_layer_item_uses_a_depth_in_one_layer_or_accepts_all():
    checked = 0
    for item in quiz_depth_items():
        spec = item.compute
        if spec is None or spec.engine not in ("layer_at", "possible_layers"):
            continue
        possible = possible_layers(_depth_arg(spec), spec.args["area"])
        if spec.engine == "layer_at":
            assert len(possible) == 1, f"{item.id}: {possible}"
        # "is the tip in <layer>": one layer, or "certainly" where it may be two
        elif "equals" in spec.model_fields_set:
            assert len(possible) == 1 or not set(spec.equals) & set(possible) or "certainly" in item.stem, item.id
        else:
            assert item.type == "multiple_choice" and tuple(item.answer) == possible, item.id
        checked += 1
    assert checked >= 5


def test_every_taught_needle_and_angle_item_is_placements():
    checked = 0
    for item in quiz_depth_items():
        if not any(PLACEMENT_OPTION.match(option.id) for option in item.options):
            continue
        assert item.compute is not None and item.compute.engine == "placements", item.id
        args = item.compute.args
        for option in item.options:
            needle, angle = (float(x) for x in re.findall(r"\d+(?:\.\d+)?", option.id))
            certain = possible_layers(tip_depth_mm(needle, angle), args["area"]) == (args["layer"],)
            assert certain == (option.id in item.answer), (item.id, option.id)
        checked += 1
    assert checked >= 1


def test_layer_options_are_only_asked_with_an_engine_behind_them():
    for item in quiz_depth_items():
        if item.options and {o.id for o in item.options} <= set(LAYERS):
            assert item.compute is not None and item.compute.engine in ("layer_at", "possible_layers"), item.id



# --- below the facial fat: never a target, wherever a tip may be there ---------------------
def _warning() -> str:
    fact = below_the_fat("face")
    assert fact is not None
    return knowledge.load().sentence(fact)


def _may_be_deeper(tip: float, area: str) -> bool:
    try:
        return never_a_target(possible_layers(tip, area), area) is not None
    except ValueError:  # no reliable figure at this depth: the item says so instead
        return False


def _option_tip(option_id: str) -> float:
    needle, angle = (float(x) for x in re.findall(r"\d+(?:\.\d+)?", option_id))
    return tip_depth_mm(needle, angle)


def _feedback_that_must_warn(item) -> list[str]:
    """The feedback texts a trainee may read about a facial tip that may be below the fat."""
    spec = item.compute
    if spec is None:
        return []
    if spec.engine == "tip_depth_mm":  # a bare geometry item: its feedback speaks of the face
        assert item.feedback is not None
        speaks_of_face = "face" in item.feedback.right + item.feedback.wrong
        tip = compute.evaluate(spec)
        return [item.feedback.right, item.feedback.wrong] if speaks_of_face and _may_be_deeper(tip, "face") else []
    area = spec.args.get("area")
    if spec.engine == "placements":
        return [o.feedback for o in item.options if _may_be_deeper(_option_tip(o.id), area)]
    if spec.engine in ("layer_at", "possible_layers") and _may_be_deeper(_depth_arg(spec), area):
        if item.type == "multiple_choice":
            return [item.option("deeper").feedback]
        return [o.feedback for o in item.options]  # single choice, true/false: whichever is chosen
    return []


def test_every_quiz_item_with_a_facial_tip_that_may_be_deeper_says_it_is_never_a_target():
    warning, checked = _warning(), set()
    for item in quiz_depth_items():
        for text in _feedback_that_must_warn(item):
            assert warning in text, item.id
            checked.add(item.id)
    assert {"depth-02", "depth-07", "depth-16"} <= checked  # the items the issue names, at least


def test_the_quiz_bank_quotes_the_knowledge_base_and_refuses_an_unknown_reference(tmp_path, monkeypatch):
    raw = (QUIZ_DIR / "04_depth.yaml").read_text(encoding="utf-8")
    assert "{kb:below_the_fat:face}" in raw and _warning() not in raw  # typed once, in the knowledge base
    broken = tmp_path / "04_depth.yaml"
    broken.write_text(raw.replace("{kb:below_the_fat:face_forehead}", "{kb:below_the_fat:mars}", 1), encoding="utf-8")
    with pytest.raises(QuizError) as refused:
        parse_bank(broken)
    assert refused.value.item == "depth-07" and refused.value.field.startswith("options[0].feedback")
    assert "mars" in str(refused.value)


def test_every_graded_prompt_with_a_tip_that_may_be_deeper_says_it_is_never_a_target():
    warning, checked = _warning(), 0
    for name, item in depth_items():
        offered = [tip_depth_mm(n, a) for n in item.needles_mm for a in item.angles_deg]
        tips = offered + ([tip_of(item)] if item.needle_mm is not None or item.depth_mm is not None else [])
        prompt = load_assignment(name).question(item.id).prompt
        if item.area and any(_may_be_deeper(tip, item.area) for tip in tips):
            assert warning in prompt, item.id
            checked += 1
        else:
            assert warning not in prompt, item.id
    assert checked >= 2  # depth problem_04 (13 mm needles offered) and problem_09 (4 mm at 90 degrees)


def test_a_graded_tip_on_a_layer_edge_is_refused(depth_data):
    # 1.5 mm at 30 degrees is 0.75 mm: exactly where the thinnest facial skin ends
    folder = depth_data({"id": "edge", "area": "face", "target_layer": "dermis",
                         "needles_mm": [1.5], "angles_deg": [15, 30], "ask": ["needle_and_angle"]})
    with pytest.raises(KnowledgeError) as refused:
        load_assignment("depth", folder)
    assert (refused.value.entry, refused.value.field) == ("edge", "ask")
    assert "0.75 mm" in str(refused.value) and "edge" in str(refused.value)


def test_module_04_views_show_each_site_s_figure_and_the_below_the_fat_statement():
    from course import notebook
    from course.widgets import render

    warning = render.text(below_the_fat("face").text)  # type: ignore[union-attr]
    rows = [row.split("</td>") for row in notebook.layers().data.split("<tr>")[1:]]
    skin = {cells[0].rsplit(">", 1)[-1].split(" (")[0]: cells[2] for cells in rows
            if len(cells) > 3}  # the dermis column
    assert "1.06–1.39 mm" in skin["Forehead"] and "as the face" not in skin["Forehead"]  # its own measurement
    assert "as the face: " in skin["Chin"] and "0.75–2.03 mm" in skin["Chin"]  # no source measured the chin's skin
    assert warning in notebook.below_the_fat("face_chin").data
    assert warning not in notebook.below_the_fat("scalp").data
    table = notebook.technique_layers().data  # the intradermal and hypodermic bands reach below facial fat
    assert "deeper: never a target" in table and table.count(warning) == 1
