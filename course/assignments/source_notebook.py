"""Write an :class:`Assignment` as an nbgrader source notebook.

Per question: a markdown prompt, an answer cell (an nbgrader solution cell whose
template lines are plain ``name = None`` assignments, followed by the reference
answer between ``### BEGIN SOLUTION`` and ``### END SOLUTION``), a read-only
``check("<id>")`` cell, and an autograder test cell (the grade cell). The test
cell's visible part checks that every answer is filled in with the right type;
its hidden part (``### BEGIN HIDDEN TESTS``) holds the frozen expected answers,
graded by the trusted grader the cell imports (``course.assignments.grader``, which
documents the test-cell format). An exam assignment's notebook names the exam kernel
(:mod:`course.exam_kernel`) in its metadata, so it opens and is graded in
it. Output is deterministic: fixed cell IDs, no outputs.
"""

from __future__ import annotations

import json
import pprint
from typing import Any

import nbformat
from nbformat import NotebookNode

from course import DISCLAIMER
from course.assignments import grader
from course.assignments.questions import Assignment, Question
from course.exam_kernel import notebook_kernelspec

GRADER = grader.__name__
VARIES_NOTE = ("Every trainee has their own patient for this case: the cell below shows yours "
               "(run the first cell of the notebook first).")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def literal(value: Any) -> str:
    """``value`` as a Python literal a trainee would type (double-quoted strings)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(literal(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        items = [f"    {literal(k)}: {literal(v)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n}"
    return repr(value)


def _nbgrader(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
              points: float | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked,
                            "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _code(cell_id: str, source: str, metadata: dict[str, Any]) -> NotebookNode:
    cell = nbformat.v4.new_code_cell(source, metadata=metadata)
    cell.id = cell_id
    return cell


def _markdown(cell_id: str, source: str) -> NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = cell_id
    return cell


def _comment(text: str) -> str:
    return "\n".join(f"# {line}".rstrip() for line in text.splitlines())


def answer_source(question: Question) -> str:
    """The answer cell: format help, the template, then the reference answer as the solution."""
    help_lines = "\n".join(_comment(f.help) for f in question.fields)
    template = "\n".join(f"{f.name} = {literal(f.template)}" for f in question.fields)
    solution = "\n".join(f"{f.name} = {literal(f.solution)}" for f in question.fields)
    return (f"# {question.title}: your answers. Replace each None with your answer.\n{help_lines}\n"
            f"{template}\n### BEGIN SOLUTION\n{solution}\n### END SOLUTION")


def _points(value: float) -> str:
    return f"{value:g}"


def test_source(question: Question, variants: tuple[Question, ...] = ()) -> str:
    """The test cell: the visible filled-in test, then the hidden frozen grading
    (format: ``course.assignments.grader``)."""
    parts = ", ".join(f"{f.label} {_points(f.weight)}" for f in question.fields)
    shapes = tuple((f.name, f.shape) for f in question.fields)
    title = json.dumps(question.title, ensure_ascii=False)
    return f'''# Autograder test for {question.title}: {_points(question.points)} points ({parts}).
# Visible test: every answer is filled in, with the right type (run check() above for details).
# Hidden tests, added when your work is graded, check the answers themselves.
from {GRADER} import visible_test as _mc_visible_test
_mc_score = _mc_visible_test({title}, {shapes!r})
### BEGIN HIDDEN TESTS
{_hidden(question, variants)}
### END HIDDEN TESTS
_mc_score'''


def _pretty(value: Any) -> str:
    return pprint.pformat(value, width=110, sort_dicts=False)


FieldSpecs = tuple[dict[str, Any], ...]


def split_variants(variants: tuple[Question, ...]) -> tuple[FieldSpecs, tuple[FieldSpecs, ...]]:
    """The frozen fields' entries every variant shares (written once), and per variant, per field,
    the entries that differ (the expected answers: ``expected``, a schedule's ``first``...)."""
    return split_specs([[f.spec() for f in variant.fields] for variant in variants])


def split_specs(specs: list[list[dict[str, Any]]]) -> tuple[FieldSpecs, tuple[FieldSpecs, ...]]:
    """:func:`split_variants` on the frozen field dicts themselves (one list per variant).

    Entries are compared as the literals the cell holds (``repr``), so ``1`` and ``True`` never merge."""
    shared = tuple({key: value for key, value in spec.items()
                    if all(key in other[i] and repr(other[i][key]) == repr(value) for other in specs)}
                   for i, spec in enumerate(specs[0]))
    own = tuple(tuple({key: value for key, value in spec.items() if key not in shared[i]}
                      for i, spec in enumerate(fields))
                for fields in specs)
    return shared, own


def _hidden(question: Question, variants: tuple[Question, ...]) -> str:
    """The hidden grading: the frozen fields; for a question that varies, the fields once and what
    differs per variant (the trainee's variant is graded)."""
    title = json.dumps(question.title, ensure_ascii=False)
    if not variants:
        return (f"from {GRADER} import hidden_test as _mc_hidden_test\n"
                f"_mc_fields = {_pretty(tuple(f.spec() for f in question.fields))}\n"
                f"_mc_score = _mc_hidden_test({title}, {question.points!r}, _mc_fields)")
    shared, own = split_variants(variants)
    return (f"from {GRADER} import variant_test as _mc_variant_test\n"
            f"_mc_fields = {_pretty(shared)}  # what every variant shares\n"
            f"_mc_variants = {_pretty(own)}  # per variant, what differs: yours is graded\n"
            f"_mc_score = _mc_variant_test({title}, {question.points!r}, _mc_fields, _mc_variants)")


def _question_cells(question: Question, variants: tuple[Question, ...] = ()) -> list[NotebookNode]:
    """Prompt, answer, check and test cells; a question that varies per trainee shows its
    prompt through a read-only ``show("<id>")`` cell (``course.assignments.variant_view``)."""
    test_meta = {**_nbgrader(question.id, grade=True, locked=True, points=question.points),
                 "mesocourse": question.tags()}
    prompt = [_markdown(f"{question.id}-prompt", question.prompt)]
    if variants:
        title = question.prompt.splitlines()[0]
        prompt = [_markdown(f"{question.id}-prompt", f"{title}\n{VARIES_NOTE}"),
                  _code(f"{question.id}-patient", f'show("{question.id}")',
                        _nbgrader(f"{question.id}_patient", locked=True))]
    return [
        *prompt,
        _code(f"{question.id}-answer", answer_source(question), _nbgrader(f"{question.id}_answer", solution=True)),
        _code(f"{question.id}-check", f'check("{question.id}")', _nbgrader(f"{question.id}_check", locked=True)),
        _code(question.id, test_source(question, variants), test_meta),
    ]


def header(assignment: Assignment) -> str:
    return (
        f"# {assignment.title}\n\n> {DISCLAIMER}\n\n{assignment.introduction.strip()}\n\n"
        "**How to answer.** Each answer cell holds named variables set to `None`. Replace each `None` "
        "with your answer, typed as a plain value: a text in double quotes (`\"decline\"`), a list "
        "(`[\"pregnancy\", \"sensitive_skin\"]`, or `[]` for none), a date as `\"YYYY-MM-DD\"`, or a "
        "dict whose `None` values you fill in. The comments in each cell list the allowed values. "
        "Write nothing else in the answer cells: when your work is graded, anything other than "
        "plain values is removed. Run the `check(...)` cell under each answer for instant feedback "
        f"on its format; the content is graded when you submit. Total: {_points(assignment.points)} points."
    )


def build_notebook(assignment: Assignment, variants: tuple[Assignment, ...] = (),
                   varied: frozenset[str] = frozenset()) -> NotebookNode:
    """The nbgrader source notebook of ``assignment`` (solutions and hidden tests included).

    The questions in ``varied`` show each trainee their own variant and grade it: their
    hidden tests hold every one of ``variants``' expected answers."""
    setup = ("# Run this cell first: it loads check(), which gives instant feedback on your answers' format.\n"
             f'from course.assignments.check import checker\ncheck = checker("{assignment.name}")')
    if varied:
        setup = ("# Run this cell first: it loads check(), which gives instant feedback on your answers' format,\n"
                 "# and show(), which shows your own patients (every trainee has their own).\n"
                 "from course.assignments.check import checker\nfrom course.assignments.variant_view import patients\n"
                 f'check = checker("{assignment.name}")\nshow = patients("{assignment.name}")')
    cells = [_markdown("header", header(assignment)), _code("setup", setup, _nbgrader("setup", locked=True))]
    for question in assignment.questions:
        own = tuple(v.question(question.id) for v in variants) if question.id in varied else ()
        cells += _question_cells(question, own)
    cells += [
        _markdown("submit-prompt", "## Before you submit\nRun the cell below: it checks the format of every answer."),
        _code("check_all", "check()", _nbgrader("check_all", locked=True)),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    kernelspec = notebook_kernelspec() if assignment.exam else KERNELSPEC  # an exam names the exam kernel
    nb.metadata = {"kernelspec": kernelspec, "language_info": {"name": "python"}}
    return nb

