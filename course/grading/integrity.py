"""What trainees' notebooks may hold: plain answers in, answer-revealing tags out.

:class:`DropCourseTags` (for ``nbgrader generate_assignment``) removes the
``mesocourse`` tags from the student version: their scenario parameters (e.g. the
contraindication or the protocol) would give answers away; the reports read them
from ``source/``.

:class:`LiteralAnswers` keeps only plain answers in a submission before nbgrader runs it;
:func:`neutralised` reads back from the graded notebook what it removed, for the
instructor (``mesocourse grade`` puts it in the grading sheet).

nbgrader runs a trainee's notebook as the grader, in one namespace with the test
cells: an answer cell could shadow names the tests use, patch ``course`` or
builtins, or fake a test's result through ``sys.displayhook``. Our answers are
plain values, so :class:`LiteralAnswers` (registered for ``nbgrader autograde`` in
the course's ``nbgrader_config.py``) rewrites every code cell it cannot trust:

- trusted: a cell whose ``grade_id`` is a read-only (locked) cell of the source
  notebook in the gradebook and whose source is that cell's (nbgrader's
  ``OverwriteCells``, which runs before, has restored it);
- every other code cell keeps only statements ``name = <literal>`` (``ast.literal_eval``
  accepts the value) for the notebook's answer names; everything else, IPython
  magics and shell escapes included, is commented out with a note;
- nbgrader metadata naming a cell the gradebook does not know is dropped by
  :class:`UnknownCells`, which runs before ``OverwriteCells`` (nbgrader 0.9.6's
  ``add_missing_cells`` aborts the notebook on such a forged cell), so a forged grade
  or read-only cell neither runs nor aborts the batch;
- a grade cell whose source still differs from the gradebook's scores 0 rather
  than running emptied. ``OverwriteCells`` restores every grade cell that is
  present; the ones that differ are those it re-adds because the trainee deleted
  them. Keep ``OverwriteCells.add_missing_cells`` on (the course's
  ``nbgrader_config.py`` sets it, ``mesocourse grade`` forces it): without it a
  deleted test cell leaves the submission "needs manual grading"; with it, the
  re-added cell carries nbgrader's "was missing" notice, so it differs from its
  source and scores 0, final.
"""

from __future__ import annotations

import ast
from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

NOTE = "# [removed by the grader: answer cells may only hold plain values] "
_SOURCE_CELLS = "mesocourse_source_cells"  # resources key: the source cells, read once per notebook


def assigned_names(source: str) -> set[str]:
    """Names a cell's source assigns at top level (the answer variables of a template)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}


def _is_plain_answer(node: ast.stmt, names: set[str]) -> bool:
    if not isinstance(node, ast.Assign) or not all(isinstance(t, ast.Name) and t.id in names for t in node.targets):
        return False
    try:
        ast.literal_eval(node.value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _python(source: str) -> str:
    """The cell as IPython would run it: magics and ``!`` escapes become plain calls."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - an untransformable cell is treated as unparsable
        return source


def _lines(node: ast.stmt) -> set[int]:
    """The line numbers of a top-level statement, decorators included."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return set(range(first, (node.end_lineno or node.lineno) + 1))


def keep_plain_answers(source: str, names: set[str]) -> str:
    """``source`` with every statement other than ``answer_name = <literal>`` commented out."""
    code = _python(source)
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError) as error:
        return "\n".join(NOTE + line for line in source.splitlines()) + f"\n# (it could not be read: {error})"
    lines = code.splitlines()
    dropped = [node for node in tree.body if not _is_plain_answer(node, names)]
    removed = {n for node in dropped for n in _lines(node)}
    changed = True
    while changed:  # a kept statement sharing a line with a removed one goes too
        changed = False
        for node in tree.body:
            span = _lines(node)
            if span & removed and not span <= removed:
                removed |= span
                changed = True
    return "\n".join(NOTE + line if number in removed else line for number, line in enumerate(lines, start=1))


def _shown(lines: list[str], width: int = 100) -> str:
    """Removed lines as one short quotation: ``while True: pass`` (and how many lines it was)."""
    text = "; ".join(" ".join(line.split()) for line in lines).replace(":;", ":")
    quoted = f"`{text[:width]}...`" if len(text) > width else f"`{text}`"
    return quoted + (f" ({len(lines)} lines)" if len(lines) > 1 else "")


def neutralised(cells: list[dict[str, Any]], notebook: str) -> list[str]:
    """One note per cell of a sanitised notebook (its cells, as JSON) that held more than plain
    answers: which cell, and what :class:`LiteralAnswers` removed from it."""
    notes = []
    for index, cell in enumerate(cells, start=1):
        source = cell.get("source", "")
        lines = source.splitlines() if isinstance(source, str) else "".join(source).splitlines()
        removed = [line.removeprefix(NOTE) for line in lines if line.startswith(NOTE)
                   and line.removeprefix(NOTE).strip()]
        if cell.get("cell_type") != "code" or not removed:
            continue
        grading = cell.get("metadata", {}).get("nbgrader") or {}
        kind = "answer cell" if grading.get("solution") else "test cell" if grading.get("grade") else "cell"
        where = f"{kind} '{grading['grade_id']}'" if grading.get("grade_id") else f"cell {index} (an unmarked cell)"
        notes.append(f"{where} of {notebook} held code other than plain answers; removed before grading: "
                     f"{_shown(removed)}")
    return notes


def source_cells(resources: ResourcesDict) -> tuple[dict[str, tuple[bool, str]], set[str]]:
    """The source notebook's cells in the gradebook: name -> (locked, source), and the
    names of its solution (answer) cells. Read once per notebook being converted: both
    preprocessors here ask, and opening nbgrader's ``Gradebook`` is not cheap."""
    info = resources["nbgrader"]
    key = (info["db_url"], info["assignment"], info["notebook"])
    if resources.get(_SOURCE_CELLS, (None,))[0] != key:
        with Gradebook(info["db_url"]) as gradebook:
            notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
            cells = {cell.name: (cell.locked, cell.source) for cell in notebook.source_cells}
            solutions = {cell.name for cell in notebook.solution_cells}
        resources[_SOURCE_CELLS] = (key, (cells, solutions))
    return resources[_SOURCE_CELLS][1]


class UnknownCells(NbGraderPreprocessor):
    """Drop nbgrader metadata naming a cell the gradebook does not know (a forged cell),
    before ``OverwriteCells``: see the module docstring."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        cells, _ = source_cells(resources)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if "nbgrader" in cell.metadata and grade_id not in cells:
                self.log.warning("Dropping nbgrader metadata of a cell the gradebook does not know (%s)", grade_id)
                del cell.metadata["nbgrader"]
        return nb, resources


class LiteralAnswers(NbGraderPreprocessor):
    """Sanitise a submission: see the module docstring."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        cells, solutions = source_cells(resources)
        names = set().union(*(assigned_names(cells[name][1]) for name in solutions if name in cells))
        for cell in nb.cells:
            self._sanitise(cell, cells, names)
        return nb, resources

    def _sanitise(self, cell: NotebookNode, cells: dict[str, tuple[bool, str]], names: set[str]) -> None:
        grading: dict[str, Any] = cell.metadata.get("nbgrader", {})
        grade_id = grading.get("grade_id")
        if cell.cell_type != "code":
            return
        locked, source = cells.get(grade_id, (False, None))  # type: ignore[arg-type]
        if locked and cell.source == source:
            return
        if grading.get("grade"):  # re-added by add_missing_cells; a test emptied here would give full marks
            self.log.warning("Grade cell %s does not match the source (it was deleted): it scores 0", grade_id)
            cell.source = NOTE + "this test cell does not match the source\n0.0"
            return
        cleaned = keep_plain_answers(cell.source, names)
        if cleaned != cell.source:
            self.log.warning("Removed code other than plain answers from cell %s", grade_id or "(unmarked)")
            cell.source = cleaned


class DropCourseTags(NbGraderPreprocessor):
    """Remove ``cell.metadata["mesocourse"]`` (competencies, critical, params) from every cell."""

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict,
                        index: int) -> tuple[NotebookNode, ResourcesDict]:
        cell.metadata.pop("mesocourse", None)
        return cell, resources
