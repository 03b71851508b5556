"""A tiny nbgrader course for the grading tests, built for real with nbgrader.

``build_course(root)`` writes two source notebooks with nbgrader metadata
(answer cells, visible and hidden tests, a read-only setup cell), runs nbgrader's
``generate_assignment`` and returns the course. ``submit(course, student,
answers)`` writes a submission from the released notebooks with the given
answers; the fault tests then break submissions in the ways trainees do.
``build_literal_course(root)`` makes a course the way this project's assignments
are made (literal answers, the repository's ``nbgrader_config.py``), and
``submit_literal`` hands in one answer cell's source.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "dosing"
HIDDEN_MARKER = "HIDDEN-CASE"  # appears only inside hidden tests
EXPLANATION = "Checks the dose for a 50 kg client."
MAX_SCORE = 4.0

CORRECT = {
    "dose_answer": "def dose_ml(weight_kg):\n    return round(weight_kg * 0.02, 2)",
    "limit_answer": "def within_limit(volume_ml):\n    return volume_ml <= MAX_ML",
    "contra_answer": "def contraindicated(condition):\n    return condition in {'pregnancy', 'infection'}",
}


def _grading(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
             points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "solution": solution, "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _answer(grade_id: str, source: str) -> nbformat.NotebookNode:
    return new_code_cell(source, metadata=_grading(grade_id, solution=True))


def _test(grade_id: str, source: str, points: float) -> nbformat.NotebookNode:
    return new_code_cell(source, metadata=_grading(grade_id, grade=True, locked=True, points=points))


def _solution(body: str) -> str:
    head, _, rest = body.partition("\n")
    return f"{head}\n    ### BEGIN SOLUTION\n{rest}\n    ### END SOLUTION"


def source_notebooks() -> dict[str, nbformat.NotebookNode]:
    dosing = new_notebook(cells=[
        new_markdown_cell("# Dosing\nVolumes per session (synthetic training data)."),
        new_code_cell("MAX_ML = 2.0", metadata=_grading("setup", locked=True)),
        _answer("dose_answer", _solution(CORRECT["dose_answer"])),
        _test("test_dose", f'print("{EXPLANATION}")\n'
                           'assert dose_ml(50) == 1.0, "a 50 kg client gets 1.0 mL"\n'
                           "### BEGIN HIDDEN TESTS\n"
                           f'assert dose_ml(80) == 1.6, "{HIDDEN_MARKER}-80: an 80 kg client gets 1.6 mL"\n'
                           "### END HIDDEN TESTS", 2),
        _answer("limit_answer", _solution(CORRECT["limit_answer"])),
        _test("test_limit", "assert within_limit(1.5)\nassert not within_limit(2.5)", 1),
    ])
    contra = new_notebook(cells=[
        _answer("contra_answer", _solution(CORRECT["contra_answer"])),
        _test("test_contra", 'assert contraindicated("pregnancy"), "pregnancy is a contraindication"\n'
                             "### BEGIN HIDDEN TESTS\n"
                             f'assert not contraindicated("dry skin"), "{HIDDEN_MARKER}-DRY"\n'
                             "### END HIDDEN TESTS", 1),
    ])
    for nb in (dosing, contra):
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return {"dosing": dosing, "contra": contra}


def build_course(root: Path) -> Path:
    """A course folder with the assignment generated (release/ and gradebook.db)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from course.nbgrader_api import put_python_tools_on_path

    put_python_tools_on_path()
    source = root / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for name, nb in source_notebooks().items():
        nbformat.write(nb, source / f"{name}.ipynb")
    (root / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'meso'\n")
    result = NbGraderAPI(coursedir=CourseDirectory(root=str(root), course_id="meso")).generate_assignment(ASSIGNMENT)
    assert result["success"], result.get("log", "") + result.get("error", "")
    return root


def released(course: Path, notebook: str) -> nbformat.NotebookNode:
    return nbformat.read(course / "release" / ASSIGNMENT / f"{notebook}.ipynb", as_version=4)


def answered(course: Path, notebook: str, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The released notebook with answer cells filled in (unanswered cells keep their stub)."""
    nb = released(course, notebook)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def submit(course: Path, student: str, answers: dict[str, str] | None = None) -> Path:
    """Write a complete submission; returns its folder."""
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    for notebook in ("dosing", "contra"):
        nbformat.write(answered(course, notebook, {**CORRECT, **(answers or {})}), folder / f"{notebook}.ipynb")
    (folder / "timestamp.txt").write_text("2026-03-01 10:00:00.000000 UTC")
    return folder


def tree_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path (symlinks by target)."""
    hashes = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            hashes[key] = "link:" + str(path.readlink())
        elif path.is_file():
            hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def cell_scores(db_url: str, assignment: str = ASSIGNMENT) -> dict[tuple[str, str, str], tuple]:
    """(student, notebook, cell) -> (auto score, needs manual grade) for every grade in a gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return {(submission.student.id, notebook.name, grade.cell.name): (grade.auto_score, grade.needs_manual_grade)
                for submission in gradebook.find_assignment(assignment).submissions
                for notebook in submission.notebooks for grade in notebook.grades}


def copy_course(base: Path, target: Path) -> Path:
    shutil.copytree(base, target, symlinks=True)
    return target


def outputs_text(nb_path: Path) -> str:
    """Every output of a graded notebook, as one string."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return json.dumps([cell.get("outputs", []) for cell in nb["cells"]])


# --- a course with literal answers and the repository's nbgrader_config.py ----------------
LITERAL = "doses"
LITERAL_ANSWERS = "dose_ml = 1.0\nsessions = 4"


def _literal_meta(grade_id: str, **flags: object) -> dict:
    return {"nbgrader": {"grade": False, "solution": False, "locked": False, "grade_id": grade_id,
                         "schema_version": 3, **flags}}


def build_literal_course(root: Path) -> Path:
    """A course made as this project's assignments are: the repository's ``nbgrader_config.py``
    (so ``LiteralAnswers`` sanitises at autograde), one answer cell whose template lines
    (``name = None``) stay in the student version, and two tests; released with nbgrader."""
    from course.assignments.release import generate_release, releasable
    from course.coursedir import Course

    nb = new_notebook(cells=[
        new_markdown_cell("# Doses\nAnswer with plain values (synthetic training data)."),
        new_code_cell(f"dose_ml = None\nsessions = None\n### BEGIN SOLUTION\n{LITERAL_ANSWERS}\n### END SOLUTION",
                      metadata=_literal_meta("answers", solution=True)),
        new_code_cell("assert dose_ml == 1.0", metadata=_literal_meta("test_dose", grade=True, locked=True, points=2)),
        new_code_cell("assert sessions == 4",
                      metadata=_literal_meta("test_sessions", grade=True, locked=True, points=1)),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    (root / "source" / LITERAL).mkdir(parents=True)
    nbformat.write(nb, root / "source" / LITERAL / f"{LITERAL}.ipynb")
    shutil.copy(Path(__file__).resolve().parents[1] / "nbgrader_config.py", root)
    generate_release(releasable(Course.open(root)), (LITERAL,))
    return root


def submit_literal(course: Path, student: str, answer_cell: str = LITERAL_ANSWERS,
                   edit: Callable[[nbformat.NotebookNode], None] | None = None) -> Path:
    """A submission of the literal course with ``answer_cell`` as the answer cell's source."""
    nb = nbformat.read(course / "release" / LITERAL / f"{LITERAL}.ipynb", as_version=4)
    next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answers").source = answer_cell
    if edit:
        edit(nb)
    folder = course / "submitted" / student / LITERAL
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{LITERAL}.ipynb")
    return folder


def release_real_course(root: Path, *only: str) -> str:
    """A new course at ``root`` with the course's nbgrader_config.py, released by the real
    `mesocourse release` (``only`` these assignments, or all); returns what the command printed."""
    import subprocess
    import sys

    from course.content import __file__ as content

    root.mkdir(parents=True)
    shutil.copy(Path(content).parent / "nbgrader_config.py", root / "nbgrader_config.py")
    chosen = [arg for name in only for arg in ("--only", name)]
    done = subprocess.run([sys.executable, "-m", "course", "release", "--course", str(root), *chosen],
                          capture_output=True, text=True, check=False, cwd=root)
    assert done.returncode == 0, done.stderr
    return done.stdout


def hand_in(root: Path, name: str, student: str, answers: dict,
            edit: Callable[[nbformat.NotebookNode, Path], None] | None = None) -> Path:
    """``student``'s submission of released assignment ``name``: the student notebook with
    ``answers`` filled in (``edit(notebook, folder)`` may change more), timestamped."""
    from course.assignments.submission import fill_answers

    release = root / "release" / name
    folder = root / "submitted" / student / name
    shutil.copytree(release, folder)
    nb = fill_answers(nbformat.read(release / f"{name}.ipynb", as_version=4), answers)
    if edit is not None:
        edit(nb, folder)
    nbformat.write(nb, folder / f"{name}.ipynb")
    (folder / "timestamp.txt").write_text("2026-11-30 12:00:00.000000 UTC")
    return folder
