"""Generated items: every template draws items the engines answer, none ambiguous, and
a template that can draw an unanswerable or ambiguous item is refused at load, named."""

from __future__ import annotations

import random
import textwrap

import pytest

from course import cocktail, depth, knowledge, scheduling, screening
from course.quiz import mark
from course.quiz.checks import check_item
from course.review import templates
from course.review.generators import screening_items as screening_generator
from course.review.templates import TemplateError

DRAWS = 500
TEMPLATES = templates.load()


def _engine_answer(template, parameters):
    """The answer computed here straight from the engines, independently of the generators."""
    kind, ask = template.kind, template.ask
    if kind == "screening":
        result = screening.screen(screening_generator.patient(parameters), parameters["cocktail"])
        found = {"decision": result.decision, "reasons": set(result.reasons),
                 "excluded": set(result.excluded_ingredients)}[ask]
        return found if isinstance(found, str) else (found or {"none"})
    if kind == "depth":
        tip = depth.tip_depth_mm(parameters["needle_mm"], parameters["angle_deg"])
        if ask == "tip_depth":
            return round(tip, 2)
        found = set(depth.possible_layers(tip, parameters["area"]))
        return found.pop() if ask == "layer" else found
    if kind == "planning":
        plan = scheduling.plan_course(parameters["protocol"], parameters["first_session"])
        return (plan.sessions[1] if ask == "next_session" else plan.maintenance_from).isoformat()
    check = cocktail.check_cocktail(parameters["indication"], parameters["cocktail"])
    found = set(check.roles_missing) if ask == "roles_missing" else {f.ingredient for f in check.regulatory_flags}
    return found or {"none"}


@pytest.mark.parametrize("template", [t for t in TEMPLATES if t.kind == "depth"], ids=lambda t: t.id)
def test_a_drawn_tip_that_may_be_below_the_facial_fat_explains_it_is_never_a_target(template):
    """The explanation quotes the knowledge base's statement, and cites its source, exactly
    where the tip may be "deeper" on the drawn area."""
    fact = depth.below_the_fat("face")
    assert fact is not None
    warning, rng, warned = knowledge.load().sentence(fact), random.Random(template.id), 0
    for _ in range(200):
        drawn = template.draw(rng)
        tip = depth.tip_depth_mm(drawn.parameters["needle_mm"], drawn.parameters["angle_deg"])
        try:
            deeper = "deeper" in depth.possible_layers(tip, drawn.parameters["area"])
        except ValueError:
            deeper = False
        assert (warning in drawn.explanation) == deeper, drawn.parameters
        assert ("konda_thappa_2013" in drawn.item.sources) == deeper
        warned += deeper
    assert warned > 0  # every depth template can draw a tip below some facial fat


def test_the_templates_cover_every_engine_and_their_competencies_exist():
    kb = knowledge.load()
    assert {t.kind for t in TEMPLATES} == {"screening", "depth", "planning", "cocktail"}
    assert {(t.kind, t.ask) for t in TEMPLATES} >= {("screening", "decision"), ("screening", "reasons"),
                                                      ("screening", "excluded"), ("depth", "tip_depth"),
                                                      ("depth", "layers"), ("planning", "next_session"),
                                                      ("planning", "maintenance"), ("cocktail", "roles_missing")}
    assert all(t.competency in kb.competencies for t in TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_every_template_draws_500_items_the_engine_answers_none_ambiguous(template):
    kb = knowledge.load()
    rng = random.Random(template.id)
    for _ in range(DRAWS):
        drawn = template.draw(rng)
        item = drawn.item
        check_item(item, kb)  # the quiz banks' own checks (options, answer, sources)
        assert item.id == template.id and item.competency == template.competency
        stated = [v for v in drawn.parameters.values() if isinstance(v, (int, float)) or str(v)[:2] == "20"]
        assert all((f"{v:g}" if isinstance(v, (int, float)) else str(v)) in item.stem for v in stated)  # states them
        expected = _engine_answer(template, drawn.parameters)
        if item.type == "numeric":
            assert item.answer == expected
            assert mark(item, expected).correct and not mark(item, expected + 0.2).correct
            continue
        texts = [o.text for o in item.options]
        assert len(set(texts)) == len(texts), f"{template.id}: two options read the same: {texts}"
        if item.type == "single_choice":
            assert item.answer == expected
            right = [o.id for o in item.options if mark(item, o.id).correct]
            assert right == [expected], f"{template.id} {drawn.parameters}: not exactly one right option"
        else:
            assert set(item.answer) == expected
            assert mark(item, list(expected)).correct
            wrong = [o.id for o in item.options if o.id not in expected][:1]
            assert not mark(item, list(expected) + wrong).correct
        assert drawn.explanation and all(s in kb.sources for s in item.sources)


def _write(folder, body):
    (folder / "bad.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    return folder / "bad.yaml"


@pytest.mark.parametrize(("body", "words"), [
    ("""
     templates:
       - {id: gen-bad-earliest, module: "06", competency: scheduling, difficulty: easy, kind: planning,
          ask: next_session, parameters: {protocol: [face_002, face_004], first_session: [2027-03-01]}}
     """, "no single earliest date"),
    ("""
     templates:
       - {id: gen-bad-scalp, module: "04", competency: depth, difficulty: easy, kind: depth, ask: layer,
          parameters: {needle_mm: [4, 13], angle_deg: [45], area: [scalp]}}
     """, "the engine cannot answer the draw"),
    ("""
     templates:
       - {id: gen-bad-pain, module: "03", competency: ingredients, difficulty: easy, kind: cocktail,
          ask: roles_missing, parameters: {indication: [pain_therapy], cocktail: [[hyaluronic_acid]]}}
     """, "needs at least 2 options"),
    ("""
     templates:
       - {id: gen-bad-ask, module: "04", competency: depth, difficulty: easy, kind: depth, ask: colour,
          parameters: {needle_mm: [4], angle_deg: [45], area: [face]}}
     """, "asks one of tip_depth, layer, layers"),
    ("""
     templates:
       - {id: gen-bad-module, module: "07", competency: depth, difficulty: easy, kind: depth, ask: tip_depth,
          parameters: {needle_mm: [4], angle_deg: [45], area: [face]}}
     """, "does not list module 07"),
    ("""
     templates:
       - {id: gen-bad-space, module: "06", competency: scheduling, difficulty: easy, kind: planning, ask: maintenance,
          parameters: {protocol: [face_002, general_000], first_session: {from: 2027-01-01, to: 2034-12-31}}}
     """, "possible draws: at most"),
    ("""
     templates:
       - {id: gen-bad-shape, module: "04", competency: depth, difficulty: trivial, kind: depth, ask: tip_depth,
          parameters: {needle_mm: [4], angle_deg: [45], area: [face]}}
     """, "difficulty"),
])
def test_a_template_that_can_draw_a_bad_item_is_refused_naming_it(tmp_path, body, words):
    path = _write(tmp_path, body)
    with pytest.raises(TemplateError) as caught:
        templates.parse(path)
    message = str(caught.value)
    assert message.startswith("bad.yaml: template 'gen-bad-") and words in message, message


def test_a_layer_question_the_ranges_leave_open_is_refused(tmp_path):
    """A 'which layer' template whose tip may lie in two layers by possible_layers (4.45 mm on
    the face: hypodermis or deeper) is refused."""
    path = _write(tmp_path, """
        templates:
          - {id: gen-bad-face, module: "04", competency: depth, difficulty: easy, kind: depth, ask: layer,
             parameters: {needle_mm: [13], angle_deg: [20], area: [face]}}
        """)
    with pytest.raises(TemplateError, match="template 'gen-bad-face'.*is ambiguous.*hypodermis, deeper"):
        templates.parse(path)
