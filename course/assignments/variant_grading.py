"""At autograde, tell the notebook which variant its trainee has: from the gradebook's student id.

:class:`AssignVariant` is the last of the course's ``Autograde.sanitize_preprocessors``
(the course's ``nbgrader_config.py``), so it runs for plain ``nbgrader autograde``
and for ``mesocourse grade`` alike, after ``OverwriteCells`` has restored the
read-only cells and ``LiteralAnswers`` has reduced every other cell to plain
answers. It puts one cell first in the notebook::

    # Set by the grader from your trainee id: the variant of this assignment you answered.
    _mc_allocation = <HMAC of the assignment key and the student id, as a number>

The student id is nbgrader's ``resources["nbgrader"]["student"]``: the submission's
folder in the course, which the instructor's collect put there; the assignment key
comes from the course secret (``course.assignments.allocation``), read by the
grader, never by the trainee's kernel. The hidden tests (``grader.variant_test``)
and ``show()`` take ``_mc_allocation`` modulo their number of variants. Nothing in
the submission takes part: not its metadata, files, ``variant-key``, configured
student id, nor any cell (a trainee's ``_mc_allocation = ...`` is not an answer,
so ``LiteralAnswers`` has already removed it). A course without a secret grades
nothing by variant: a notebook whose tests need one fails with the reason.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from course.assignments.allocation import SecretMissing, assignment_key, read_secret
from course.coursedir import Course

CELL_ID = "mesocourse-variant"
MARKER = "variant_test as _mc_variant_test"  # in the hidden tests of a question that varies


def allocation(secret: bytes, assignment: str, student: str) -> int:
    """The number whose remainder by K is the student's variant (``allocation.variant_for``'s)."""
    digest = hmac.new(assignment_key(secret, assignment), student.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


class AssignVariant(NbGraderPreprocessor):
    """Put ``_mc_allocation`` for the gradebook's student in the first cell (see the module docstring)."""

    course_root = Unicode("", help="the course folder holding .mesocourse/variant-secret "
                                   "(default: CourseDirectory.root)").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        student, assignment = resources["nbgrader"]["student"], resources["nbgrader"]["assignment"]
        root = self.course_root or self.config.CourseDirectory.get("root") or "."  # nbgrader's: the working folder
        nb.cells = [cell for cell in nb.cells if cell.get("id") != CELL_ID]
        try:
            secret = read_secret(Course(Path(root or ".")))
        except SecretMissing as error:
            if any(MARKER in cell.source for cell in nb.cells if cell.cell_type == "code"):
                raise ValueError(f"{error}: this assignment's tests need each trainee's variant") from None
            return nb, resources
        cell = nbformat.v4.new_code_cell(
            "# Set by the grader from your trainee id: the variant of this assignment you answered.\n"
            f"_mc_allocation = {allocation(secret, assignment, student)}")
        cell.id = CELL_ID
        nb.cells.insert(0, cell)
        return nb, resources
