"""Grading knows each trainee's variant, whatever the notebook says: real nbgrader, real kernels.

A throwaway course is released with variants by the real ``mesocourse release``.
Trainees submit the student notebook filled in as a trainee would; one copy of the
course is graded by plain ``nbgrader autograde`` (the course's nbgrader_config.py),
another by ``mesocourse grade``; the gradebooks must agree cell by cell.

- ann and bo answer their own variants right: full marks;
- copier (another variant) hands in ann's answers: less than full marks;
- claimer (copier's variant) hands in ann's answers in a notebook edited to claim
  ann's variant (a cell setting the grader's variable, notebook metadata, the
  variant-key file, nbgrader's configured student id): scored exactly as copier.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from grading_support import cell_scores, copy_course, hand_in, outputs_text, release_real_course

from course.assignments.allocation import KEY_FILE, course_variant
from course.assignments.catalog import load_assignment
from course.assignments.variant_view import PROMPTS_FILE
from course.assignments.variants import load_variants
from course.content import __file__ as CONTENT
from course.coursedir import Course
from course.grading import grade_cohort
from course.nbgrader_api import put_python_tools_on_path

pytestmark = [pytest.mark.slow, pytest.mark.long]
CONFIG = Path(CONTENT).parent / "nbgrader_config.py"
NAME = "screening"
FULL_MARKS = sum(q.points for q in load_assignment(NAME).questions)


def _ids(root: Path) -> dict[str, str]:
    """ann, bo (another variant), copier (neither's), claimer (copier's variant)."""
    def variant(trainee: str) -> int:
        return course_variant(Course(root), NAME, trainee, 8)

    candidates = [f"t{n:02d}" for n in range(200)]
    bo = next(t for t in candidates if variant(t) != variant("ann"))
    copier = next(t for t in candidates if variant(t) not in (variant("ann"), variant(bo)))
    claimer = next(t for t in candidates if t != copier and variant(t) == variant(copier))
    return {"ann": "ann", "bo": bo, "copier": copier, "claimer": claimer}


def _submit(root: Path, student: str, answers: dict, claim: int | None = None) -> None:
    def forge(nb: nbformat.NotebookNode, folder: Path) -> None:
        """Edit everything a trainee can to claim another variant."""
        forged = nbformat.v4.new_code_cell(f"_mc_allocation = {claim}\n_mc_variant = {claim}")
        nb.cells.insert(1, forged)
        nb.metadata["mesocourse"] = {"variant": claim, "trainee": "ann"}
        (folder / KEY_FILE).write_text("00" * 32 + "\n")
        (folder / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.student_id = 'ann'\n")

    hand_in(root, NAME, student, answers, forge if claim is not None else None)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    put_python_tools_on_path()
    base = tmp_path_factory.mktemp("variant-grading") / "base"
    release_real_course(base, NAME)
    ids = _ids(base)
    drawn = load_variants(NAME)
    own = {role: drawn.answers(course_variant(Course(base), NAME, trainee, 8)) for role, trainee in ids.items()}
    _submit(base, ids["ann"], own["ann"])
    _submit(base, ids["bo"], own["bo"])
    _submit(base, ids["copier"], own["ann"])
    from course.assignments.allocation import read_secret
    from course.assignments.variant_grading import allocation
    _submit(base, ids["claimer"], own["ann"], claim=allocation(read_secret(Course(base)), NAME, "ann"))
    by_nbgrader = copy_course(base, base.parent / "nbgrader")
    by_us = copy_course(base, base.parent / "mesocourse")
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", NAME], cwd=by_nbgrader,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    results = grade_cohort(Course.open(by_us), NAME, workers=2)
    return {"ids": ids, "nbgrader": by_nbgrader, "mesocourse": by_us, "results": results,
            "theirs": cell_scores(f"sqlite:///{by_nbgrader / 'gradebook.db'}", NAME),
            "ours": cell_scores(f"sqlite:///{by_us / 'gradebook.db'}", NAME)}


def _total(scores: dict, student: str) -> float:
    return round(sum(score for (who, _, _), (score, _) in scores.items() if who == student), 6)


def test_own_correct_answers_score_full_marks_by_nbgrader_and_by_mesocourse_grade_cell_by_cell(graded) -> None:
    assert graded["ours"] == graded["theirs"]  # identical per-cell scores, every trainee
    for role in ("ann", "bo"):
        trainee = graded["ids"][role]
        assert _total(graded["theirs"], trainee) == FULL_MARKS, role
        assert {(r.student_id, r.status, r.score) for r in graded["results"] if r.student_id == trainee} == \
               {(trainee, "graded", FULL_MARKS)}


def test_another_variants_correct_answers_score_less(graded) -> None:
    copier = graded["ids"]["copier"]
    assert _total(graded["theirs"], copier) < FULL_MARKS
    assert _total(graded["ours"], copier) == _total(graded["theirs"], copier)


def test_editing_the_notebook_to_claim_another_variant_changes_nothing(graded) -> None:
    copier, claimer = graded["ids"]["copier"], graded["ids"]["claimer"]
    for scores in (graded["theirs"], graded["ours"]):
        mine = {(nb, cell): score for (who, nb, cell), score in scores.items() if who == claimer}
        theirs = {(nb, cell): score for (who, nb, cell), score in scores.items() if who == copier}
        assert mine == theirs  # graded as their own variant, exactly like the plain copy
    graded_nb = graded["mesocourse"] / "autograded" / claimer / NAME / f"{NAME}.ipynb"
    text = graded_nb.read_text()
    assert "removed by the grader" in text  # the forged cell was neutralised before anything ran


def test_feedback_shows_the_trainees_own_patients_and_never_the_hidden_tests(graded) -> None:
    course = graded["mesocourse"]
    done = subprocess.run([sys.executable, "-m", "course", "feedback", NAME, "--course", str(course)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    prompts = json.loads((course / "source" / NAME / PROMPTS_FILE).read_text())["prompts"]
    for role in ("ann", "bo"):
        trainee = graded["ids"][role]
        page = next((course / "feedback" / trainee / NAME).glob("*.html")).read_text()
        mine = prompts[course_variant(Course(course), NAME, trainee, 8)]["case_03"].splitlines()[1]
        assert mine.split(",")[0] in page  # the patient's name of this trainee's case 03
        assert "BEGIN HIDDEN TESTS" not in page and "_mc_fields" not in page and "variant_test" not in page
    graded_text = outputs_text(course / "autograded" / graded["ids"]["ann"] / NAME / f"{NAME}.ipynb")
    assert "Case 03: 4 of 4 points" in graded_text


def test_feedback_teaches_each_case_in_words_with_its_source_and_the_trainees_variant(graded) -> None:
    """copier answered another variant's patients: each case not passed names the rule behind the
    answers and its source; the page says "variant N of 8", with no grader variable and no test code."""
    course, copier = graded["mesocourse"], graded["ids"]["copier"]
    done = subprocess.run([sys.executable, "-m", "course", "feedback", NAME, "--course", str(course),
                           "--student", copier], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    page = (course / "feedback" / copier / NAME / f"{NAME}.html").read_text()
    variant = course_variant(Course(course), NAME, copier, 8) + 1
    assert f"You answered variant {variant} of 8 of this assignment" in page
    assert "_mc_" not in page and "visible_test" not in page and "course.assignments.grader" not in page
    cases = page.split('<div class="mesocourse-case">')[1:]
    assert len(cases) == 14
    failed = [case for case in cases if "Result: not passed" in case]
    assert failed, "copier answered other patients: some cases must fail"
    for case in failed:
        assert f"(your variant: {variant} of 8)" in case
        assert "What the course&#x27;s knowledge base says" in case or "knowledge base says" in case
        assert "Source: " in case and "(evidence: " in case
        assert "partly right" in case or "not right" in case
