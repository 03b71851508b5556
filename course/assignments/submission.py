"""Write answers into a student version, as a trainee would type them.

Used by the tests and by the demo's synthetic cohort: ``fill_answers`` replaces
the template assignment (``name = None`` or a dict of Nones) of each answered
variable in the answer cells, leaving every other line as it is.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Mapping
from typing import Any

from nbformat import NotebookNode

from course.assignments.source_notebook import literal


def _fill_cell(source: str, answers: Mapping[str, Any]) -> str:
    tree = ast.parse(source)
    lines = source.splitlines()
    for node in reversed(tree.body):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in answers:
                lines[node.lineno - 1:node.end_lineno] = f"{name} = {literal(answers[name])}".splitlines()
    return "\n".join(lines)


def fill_answers(notebook: NotebookNode, answers: Mapping[str, Any]) -> NotebookNode:
    """A copy of ``notebook`` with ``answers`` (variable -> value) in its answer cells."""
    filled = copy.deepcopy(notebook)
    for cell in filled.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = _fill_cell(cell.source, answers)
    return filled
