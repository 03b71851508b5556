"""What a case's feedback shows: the expected answer only where no other variant shares it."""

from __future__ import annotations

from course.assignments.source_notebook import split_specs
from course.grading.feedback_cases import case_feedback, facts_behind, knowledge_index

DECISION = {"name": "c1_decision", "label": "decision", "kind": "choice", "weight": 2.0,
            "allowed": ("proceed", "defer", "decline"), "expected": "decline"}
REASONS = {"name": "c1_reasons", "label": "reasons", "kind": "id_set", "weight": 1.0,
           "allowed": ("pregnancy", "breastfeeding", "sensitive_skin"), "expected": ("pregnancy",)}


def varying_test(variants: tuple) -> str:
    """A varying case's test cell as the notebook builder writes it: the shared entries once, per variant the rest."""
    shared, own = split_specs([list(fields) for fields in variants])
    return ("from course.assignments.grader import visible_test as _mc_visible_test\n"
            "_mc_score = _mc_visible_test('Case 01', ())\n"
            "### BEGIN HIDDEN TESTS\n"
            "from course.assignments.grader import variant_test as _mc_variant_test\n"
            f"_mc_fields = {shared!r}\n"
            f"_mc_variants = {own!r}\n"
            "_mc_score = _mc_variant_test('Case 01', 3.0, _mc_fields, _mc_variants)\n"
            "### END HIDDEN TESTS\n_mc_score")


def fixed_test(fields: tuple) -> str:
    """A case every trainee shares: its fields whole, graded by the grader's hidden_test."""
    return ("from course.assignments.grader import visible_test as _mc_visible_test\n"
            "_mc_score = _mc_visible_test('Case 01', ())\n"
            "### BEGIN HIDDEN TESTS\n"
            "from course.assignments.grader import hidden_test as _mc_hidden_test\n"
            f"_mc_fields = {fields!r}\n"
            "_mc_score = _mc_hidden_test('Case 01', 3.0, _mc_fields)\n"
            "### END HIDDEN TESTS\n_mc_score")


def test_a_wrong_answer_shows_the_expected_one_only_where_no_other_variant_expects_it():
    other = ({**DECISION, "expected": "decline"}, {**REASONS, "expected": ("breastfeeding",)})
    case = case_feedback(varying_test(((DECISION, REASONS), other)),
                         {"c1_decision": "proceed", "c1_reasons": ["sensitive_skin"]}, allocation=2)
    assert case is not None and case.title == "Case 01" and case.variant == (1, 2)  # 2 % 2 = variant 1
    decision, reasons = case.answers
    # both expect decline
    assert (decision.answer, decision.expected, decision.note) == ("'proceed'", None, "not right")
    assert (reasons.answer, reasons.expected) == ("['sensitive_skin']", "['pregnancy']")  # only this variant's
    # the wrong choice's rule, then the expected's
    assert [fact.id for fact in case.facts] == ["sensitive_skin", "pregnancy"]
    assert all(fact.sources and fact.label for fact in case.facts)


def test_a_variant_where_no_rule_fires_names_the_rules_its_family_tests():
    """Her patient stays short of the rule's threshold (expected: proceed, no reason): the feedback still
    names the rule behind the case, from the family's other variants."""
    short = ({**DECISION, "expected": "proceed"}, {**REASONS, "expected": ()})
    case = case_feedback(varying_test((short, (DECISION, REASONS))), {"c1_decision": "defer", "c1_reasons": []},
                         allocation=0)
    assert case is not None and case.variant == (1, 2)
    assert [fact.id for fact in case.facts] == ["pregnancy"]


def test_a_case_every_trainee_shares_withholds_every_expected_answer():
    case = case_feedback(fixed_test((DECISION, REASONS)), {"c1_decision": "defer", "c1_reasons": []}, allocation=None)
    assert case is not None and case.variant is None
    assert [answer.expected for answer in case.answers] == [None, None]
    assert case.facts == ()  # the rule behind the withheld reason would give it away


def test_other_nbgrader_test_cells_are_left_to_nbgraders_feedback():
    assert case_feedback("assert dose_ml(50) == 1.0", {}, allocation=None) is None
    assert case_feedback("this is not python(", {}, allocation=None) is None


def test_every_fact_comes_from_the_knowledge_base_with_its_sources():
    index = knowledge_index()
    assert index["pregnancy"].sources and index["pregnancy"].label
    assert facts_behind([["pregnancy", "no such id"], {"k": "pregnancy"}]) == (index["pregnancy"],)
