"""What each case of a course assignment teaches in its feedback page.

A graded course notebook (``course.assignments.source_notebook``) holds, per case, a test
cell whose hidden part freezes the fields it grades (``_mc_fields = (...)``: one
tuple of field dicts; for a case that varies, what every variant shares, and
``_mc_variants``, per variant what differs) and, first, the grader's cell with the
trainee's variant (``_mc_allocation``). From these and the
trainee's literal answers, :func:`case_feedback` works out, per answer:

- the trainee's answer, and the expected one only where it reveals nothing to a
  trainee with another variant: the case varies and no other variant expects the
  same value; otherwise the grader's note on what was wrong (``grader.answer_credit``);
- the knowledge-base entries behind the case (every rule, step, technique... whose id
  the trainee's answers name, and, in a case that varies, the expected answers name),
  in words, with their sources and evidence label: the rule behind a wrong choice says
  why it does not apply, and the rule behind the trainee's own patient says what
  applied to them (their patient is theirs alone); in a case every trainee shares, the
  rules behind the expected answers are not listed, since they would give them away;
- "variant N of K" instead of the grader's internal number.

Nothing runs: the notebook's sources are parsed (``ast``), never executed.
"""

from __future__ import annotations

import ast
import dataclasses
import html
from dataclasses import dataclass
from functools import cache
from typing import Any

from nbformat import NotebookNode

from course.assignments import grader
from course.assignments.variant_grading import CELL_ID as VARIANT_CELL

ALLOCATION = "_mc_allocation"
FIELDS = "_mc_fields"
VARIANTS = "_mc_variants"  # a varying case: per variant, per field, the entries that differ from FIELDS
TEST_CALLS = {"_mc_hidden_test": False, "_mc_variant_test": True}  # the call -> whether the case varies


@dataclass(frozen=True)
class KnowledgeFact:
    """One knowledge-base entry, as the feedback quotes it."""

    id: str
    text: str
    sources: tuple[str, ...]  # the sources' titles
    label: str  # its evidence label (seed_claim, practice_guidance, ...)


@dataclass(frozen=True)
class AnswerResult:
    label: str
    answer: str
    expected: str | None  # None: withheld (it would tell another variant its answer)
    note: str  # the grader's words: "right", "partly right: ...", "not right"
    credit: float


@dataclass(frozen=True)
class CaseFeedback:
    title: str
    variant: tuple[int, int] | None  # (N, K), 1-based; None when the case does not vary
    answers: tuple[AnswerResult, ...]
    facts: tuple[KnowledgeFact, ...]


# --- reading the notebook --------------------------------------------------------------------
def allocation_of(nb: NotebookNode) -> int | None:
    """The grader's number for this trainee (the variant cell), or None when there is none."""
    for cell in nb.cells:
        if cell.get("id") == VARIANT_CELL:
            return _assigned(cell.source).get(ALLOCATION)
    return None


def literal_answers(nb: NotebookNode) -> dict[str, Any]:
    """Every ``name = <literal>`` of the notebook's answer cells (what the grader read)."""
    answers: dict[str, Any] = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            answers.update(_assigned(cell.source))
    return answers


def _assigned(source: str) -> dict[str, Any]:
    """``name = <literal>`` statements of a cell; anything else is skipped."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return found


def _test_call(tree: ast.Module) -> tuple[str, bool] | None:
    """The case's title and whether it varies, from the hidden test's call."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TEST_CALLS:
            title = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else ""
            return str(title), TEST_CALLS[node.func.id]
    return None


# --- one case ----------------------------------------------------------------------------------
def case_feedback(test_source: str, answers: dict[str, Any], allocation: int | None) -> CaseFeedback | None:
    """The feedback of one test cell (its full source, hidden part included), or None when it is
    not a course test cell (another nbgrader course's tests keep nbgrader's own feedback)."""
    try:
        tree = ast.parse(test_source)
    except SyntaxError:
        return None
    assigned = _assigned(test_source)
    call, frozen = _test_call(tree), assigned.get(FIELDS)
    if call is None or not isinstance(frozen, tuple) or not frozen:
        return None
    title, varies = call
    variants = _variants(frozen, assigned.get(VARIANTS)) if varies else (frozen,)
    if not variants:
        return None
    chosen = (allocation or 0) % len(variants)
    fields = variants[chosen]
    results = tuple(_answer_result(field, index, variants, chosen, answers, varies)
                    for index, field in enumerate(fields))
    named = [[answers.get(field["name"]), *([field["expected"]] if varies or result.credit >= 1 else [])]
             for field, result in zip(fields, results, strict=True)]
    # a variant where no rule fires (a threshold not crossed: "proceed") names the rules its family's other
    # variants test: the rule this patient stays short of
    others = [[field["expected"] for field in variant] for at, variant in enumerate(variants) if at != chosen]
    behind = facts_behind(named) or (facts_behind(others) if varies else ())
    return CaseFeedback(title, (chosen + 1, len(variants)) if varies else None, results, behind)


def _variants(shared: tuple, own: Any) -> tuple:
    """Each variant's fields whole, merged as the grader merges them to grade
    (empty if ``own`` is not one tuple of field entries per variant)."""
    whole = isinstance(own, tuple) and all(isinstance(fields, tuple) and len(fields) == len(shared) for fields in own)
    if not whole:
        return ()
    return tuple(tuple(grader._with_variant(shared, fields)) for fields in own)


def _answer_result(field: dict, index: int, variants: tuple, chosen: int, answers: dict[str, Any],
                   varies: bool) -> AnswerResult:
    value = answers.get(field["name"])
    try:
        credit, note = grader.answer_credit(field, value, answers)
    except Exception:  # the grader scored such an answer 0 and said it could not be read
        credit, note = 0.0, "could not be read"
    shared = any(other[index]["expected"] == field["expected"] for at, other in enumerate(variants)
                 if at != chosen and len(other) > index)
    expected = _shown(field["expected"]) if varies and not shared else None
    return AnswerResult(field["label"], "not answered" if value is None else _shown(value), expected, note, credit)


def _shown(value: Any) -> str:
    text = repr(list(value) if isinstance(value, tuple) else value)
    return text if len(text) <= 300 else text[:297] + "..."


# --- the knowledge base behind a case --------------------------------------------------------
def facts_behind(values: Any) -> tuple[KnowledgeFact, ...]:
    """The knowledge-base entries whose ids ``values`` name (nested freely), in order, once each."""
    index = knowledge_index()
    found: dict[str, KnowledgeFact] = {}
    for value in _strings(values):
        if value in index and value not in found:
            found[value] = index[value]
    return tuple(found.values())


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _strings(item)]
    return []


@cache
def knowledge_index() -> dict[str, KnowledgeFact]:
    """Every sourced knowledge-base entry with an id, by id (the first one found wins)."""
    from course import knowledge

    kb = knowledge.load()
    titles = {source.id: source.title for source in kb.sources.values()}
    index: dict[str, KnowledgeFact] = {}
    for entry in _entries(kb):
        words = getattr(entry, "explanation", "") or getattr(entry, "text", "") or getattr(entry, "name", "")
        if entry.id not in index and words:
            index[entry.id] = KnowledgeFact(entry.id, words, tuple(titles.get(s, s) for s in entry.sources),
                                            str(entry.label))
    return index


def _entries(node: Any) -> list[Any]:
    """Every object in the loaded knowledge base with an ``id``, ``sources`` and ``label``."""
    if isinstance(node, dict):
        return [found for item in node.values() for found in _entries(item)]
    if isinstance(node, (list, tuple)):
        return [found for item in node for found in _entries(item)]
    fields = getattr(type(node), "model_fields", None)
    if fields is None:
        fields = [field.name for field in dataclasses.fields(node)] if dataclasses.is_dataclass(node) else []
    own = [node] if {"id", "sources", "label"} <= set(fields) else []
    return own + [found for name in fields for found in _entries(getattr(node, name))]


# --- as HTML (the feedback page's markdown passes HTML through) ------------------------------
def _expected_cell(answer: AnswerResult) -> str:
    if answer.credit >= 1:
        return "the same as yours"
    if answer.expected is None:
        return "withheld: another variant's trainees must give the same answer"
    return f"<code>{html.escape(answer.expected)}</code>"


def case_html(case: CaseFeedback, verdict: str) -> str:
    """The case's block of the feedback page: result, answers, and the knowledge behind them."""
    esc = html.escape
    variant = f" (your variant: {case.variant[0]} of {case.variant[1]})" if case.variant else ""
    rows = "".join(
        f"<tr><th scope=\"row\">{esc(a.label)}</th><td><code>{esc(a.answer)}</code></td>"
        f"<td>{_expected_cell(a)}</td>"
        f"<td>{esc(a.note)}</td></tr>" for a in case.answers)
    table = ("<table class=\"table table-condensed\"><caption>Your answers</caption><thead><tr>"
             "<th scope=\"col\">answer</th><th scope=\"col\">yours</th><th scope=\"col\">expected</th>"
             "<th scope=\"col\">the grader's note</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>")
    facts = "".join(
        f"<li><strong>{esc(f.id)}</strong>: {esc(f.text)} <em>Source: {esc('; '.join(f.sources))} "
        f"(evidence: {esc(f.label.replace('_', ' '))}).</em></li>" for f in case.facts)
    behind = (f"<p>What the course's knowledge base says behind this case:</p><ul>{facts}</ul>" if facts else
              "<p>The rule behind this case is explained in the course notebook on its topic.</p>")
    return (f"<div class=\"mesocourse-case\"><h3>{esc(case.title)}{esc(variant)}</h3>{verdict}{table}{behind}</div>")
