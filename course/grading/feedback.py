"""HTML feedback for each trainee, without the hidden tests: :func:`write_feedback`.

nbgrader's ``generate_feedback`` renders each graded notebook to HTML, hidden
tests included. Here it runs with :class:`ExplainHiddenTests` in its pipeline:
nbgrader's own ``ClearHiddenTests`` removes the hidden test code from each test
cell (with the course's configured delimiters); in those cells the error
tracebacks are cut to the error's name and message (a traceback quotes the
failing test line), and any output text that repeats the hidden code (the
message of a hidden assert, say) is withheld. Every test cell then ends with its
result: passed, or not passed with the message the test gave. Whatever the
visible part of a test printed, an explanation say, stays.
Files land where nbgrader puts them, ``feedback/STUDENT/ASSIGNMENT/NOTEBOOK.html``,
one per notebook. Nothing from the trainee is executed. The page is nbgrader's
feedback template, extended (``templates/feedback/mesocourse.html.j2``) with the
page's language and the contrast, link and code styles WCAG 2.1 AA asks for.
"""

from __future__ import annotations

import copy
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell, new_output
from nbgrader import utils
from nbgrader.apps import NbGraderAPI
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from course.assignments.variant_grading import CELL_ID as VARIANT_CELL
from course.coursedir import Course
from course.nbgrader_api import failure_reason, put_python_tools_on_path

from .errors import GradingError
from .feedback_cases import CaseFeedback, allocation_of, case_feedback, case_html, literal_answers


@dataclass(frozen=True)
class FeedbackResult:
    student_id: str
    status: Literal["written", "failed", "not graded"]
    files: tuple[Path, ...] = ()
    reason: str = ""


def _is_test(cell: NotebookNode) -> bool:
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def _revealing(text: str, hidden: list[str]) -> bool:
    """Whether ``text`` repeats hidden test code (say, the message of a hidden assert)."""
    text = text.strip()
    return len(text) >= 4 and any(text in line for line in hidden)


def _redacted(output: NotebookNode, hidden: list[str]) -> NotebookNode:
    """An output of a cell with hidden tests, without the traceback or any text from the hidden code."""
    if output.output_type == "error":
        evalue = "(a hidden test)" if _revealing(output.evalue, hidden) else output.evalue
        return new_output("error", ename=output.ename, evalue=evalue, traceback=[f"{output.ename}: {evalue}"])
    if output.output_type == "stream":
        kept = [line for line in output.text.splitlines(keepends=True) if not _revealing(line, hidden)]
        return new_output("stream", name=output.name, text="".join(kept))
    return output


def _verdict(cell: NotebookNode) -> tuple[str, str]:
    """The case's result in words and as HTML, from the score nbgrader's GetGrades put on the cell."""
    grading = cell.metadata.nbgrader
    score, points = grading.get("score"), grading.get("points", 0)
    errors = [o for o in cell.outputs if o.output_type == "error"]
    if score is None:
        text = "Result: waiting for an instructor to grade it."
    elif float(score) >= float(points):
        text = f"Result: passed ({float(score):g} of {float(points):g} points)."
    else:
        why = f" {errors[-1].ename}: {errors[-1].evalue}".rstrip(": ") if errors else ""
        text = f"Result: not passed ({float(score):g} of {float(points):g} points).{why}"
    colour = "#2e7d32" if score is not None and float(score) >= float(points) else "#b71c1c"
    return text, f'<p style="color:{colour}"><strong>{html.escape(text)}</strong></p>'


def _taught(cell: NotebookNode, case: CaseFeedback) -> NotebookNode:
    """A course test cell as the trainee reads it: no test code, the case's answers and the
    knowledge behind them (a markdown cell keeping the cell's grade, so the page scores it)."""
    taught = new_markdown_cell(case_html(case, _verdict(cell)[1]), metadata=cell.metadata)
    taught.id = cell.get("id", taught.id)
    return taught


class ExplainHiddenTests(ClearHiddenTests):
    """nbgrader's ``ClearHiddenTests`` for feedback: hidden code out, each case's result in.

    A course test cell (:mod:`course.grading.feedback_cases`) becomes the case's answers,
    results and knowledge-base facts, with no test code; the grader's variant cell
    becomes "variant N of K". Other nbgrader test cells keep their code, with the
    hidden part removed and the result added.
    """

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        self._answers, self._allocation = literal_answers(nb), allocation_of(nb)
        self._variant: tuple[int, int] | None = None
        nb, resources = super().preprocess(nb, resources)
        notes = [self._variant_note() if cell.get("id") == VARIANT_CELL else cell for cell in nb.cells]
        nb.cells = [cell for cell in notes if cell is not None]
        return nb, resources

    def _variant_note(self) -> NotebookNode | None:
        """The grader's variant cell, in words ("variant N of K"); gone when no case varies."""
        if self._variant is None:
            return None
        number, count = self._variant
        return new_markdown_cell(f"**You answered variant {number} of {count} of this assignment**: "
                                 "the cases marked with your variant were your own patients.")

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> tuple[NotebookNode, Any]:
        before = cell.source
        cell, resources = super().preprocess_cell(cell, resources, index)
        if not _is_test(cell):
            return cell, resources
        case = case_feedback(before, self._answers, self._allocation)
        if case is not None:
            self._variant = self._variant or case.variant
            return _taught(cell, case), resources
        hidden = [line for line in before.splitlines() if line not in cell.source.splitlines()]
        if hidden:
            cell.outputs = [_redacted(output, hidden) for output in cell.outputs]
        text, page = _verdict(cell)
        cell.outputs.append(new_output("display_data", data={"text/plain": text, "text/html": page}))
        return cell, resources


TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE_FILE = "mesocourse.html.j2"  # in TEMPLATES/feedback: extends nbgrader's feedback/index.html.j2


def accessible_template(config: Any) -> None:
    """Render feedback with the course's accessible extension of nbgrader's feedback template,
    unless the course's own configuration names a template."""
    exporter = config.HTMLExporter
    if "template_file" in exporter or "template_name" in exporter:
        return
    nbgrader_templates = Path(utils.__file__).parent / "server_extensions" / "formgrader" / "templates"
    exporter.template_file = TEMPLATE_FILE
    exporter.extra_template_basedirs = [*exporter.get("extra_template_basedirs", [str(nbgrader_templates)]),
                                        str(TEMPLATES)]


def feedback_preprocessors(configured: list[Any] | None) -> list[Any]:
    """The course's feedback preprocessors (nbgrader's by default) with :class:`ExplainHiddenTests` after GetGrades."""
    chosen = [p for p in (configured or [GetGrades, CSSHTMLHeaderPreprocessor])
              if p is not ClearHiddenTests and p != "nbgrader.preprocessors.ClearHiddenTests"]
    at = next((i + 1 for i, p in enumerate(chosen) if p is GetGrades or p == "nbgrader.preprocessors.GetGrades"), 0)
    return [*chosen[:at], ExplainHiddenTests, *chosen[at:]]


def write_feedback(course: Course, assignment: str, *, students: Iterable[str] | None = None,
                   progress: Callable[[FeedbackResult, int, int], None] | None = None) -> list[FeedbackResult]:
    """Write HTML feedback for each graded submission of ``assignment`` (or only ``students``)."""
    put_python_tools_on_path()
    course.gradebook()  # nbgrader would create an empty one
    graded = course.students_with("autograded", assignment)
    wanted = sorted(graded) if students is None else list(dict.fromkeys(students))
    if students is None and not graded:
        raise GradingError(f"no graded submission of '{assignment}' under {course.root}: "
                           f"run `mesocourse grade {assignment} --course {course.root}` first")
    config = copy.deepcopy(course.config)
    config.GenerateFeedback.preprocessors = feedback_preprocessors(config.GenerateFeedback.get("preprocessors"))
    accessible_template(config)
    api = NbGraderAPI(coursedir=course.coursedir, config=config)
    results = []
    for done, student in enumerate(wanted, start=1):
        results.append(_feedback_for(api, course, assignment, student, student in graded))
        if progress:
            progress(results[-1], done, len(wanted))
    return results


def _feedback_for(api: NbGraderAPI, course: Course, assignment: str, student: str,
                  graded: bool) -> FeedbackResult:
    if not graded:
        return FeedbackResult(student, "not graded", reason="no graded notebooks; run mesocourse grade first")
    outcome = api.generate_feedback(assignment, student, force=True)
    folder = course.folder("feedback", student, assignment)
    files = tuple(sorted(folder.glob("*.html")))
    if not outcome["success"]:
        return FeedbackResult(student, "failed", reason=failure_reason(outcome))
    return FeedbackResult(student, "written", files)
