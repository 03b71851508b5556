"""Every way a submission goes wrong, through the real pipeline: one cohort, graded once.

A tiny course is generated with nbgrader, eleven trainees submit (two sound, the
others broken, looping, crashing, hogging memory, flooding output, or trying to
read the gradebook), and ``grade_cohort`` grades them all in one batch with small
limits. Each test then checks one submission's row, gradebook entries and files.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from pathlib import Path

import nbformat
import pytest
from grading_support import (
    ASSIGNMENT,
    CORRECT,
    MAX_SCORE,
    answered,
    build_course,
    cell_scores,
    copy_course,
    outputs_text,
    submit,
    tree_hashes,
)

from course.coursedir import Course
from course.grading import GradingLimits, grade_cohort
from course.grading.kernel_launcher import landlock_abi

pytestmark = [pytest.mark.slow, pytest.mark.long]

LIMITS = GradingLimits(time_budget_s=20, grace_s=30, memory_mb=512, max_output_bytes=200_000)

HOSTILE = '''
import glob, os, pathlib
near = glob.glob("*.ipynb") + glob.glob("../*/*.ipynb") + glob.glob("../../*/*/*.ipynb")
for parent in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents]:
    for pattern in ("gradebook.db", "*/gradebook.db", "source", "*/source", "source/*/*.ipynb", "*.db"):
        near += [str(p) for p in parent.glob(pattern)]
for depth in range(1, 8):
    try:
        with open("../" * depth + "gradebook.db", "r+b") as handle:
            handle.seek(0, 2)
            handle.write(b"tampered")
        near.append("../" * depth + "gradebook.db")
    except OSError:
        pass
for name in ("mem", "environ"):  # the grading worker holds the hidden tests in memory
    try:
        open(f"/proc/{os.getppid()}/{name}", "rb").close()
        near.append("worker " + name)
    except OSError:
        pass
far = []
for path in (COURSE + "/gradebook.db", COURSE + "/source/dosing/dosing.ipynb", "data.csv"):
    try:
        far.append(path + " " + open(path, "rb").read(16).hex())
    except OSError:
        pass
try:
    far += glob.glob("/tmp/**/gradebook.db", recursive=True)
    far += glob.glob("/tmp/mesocourse-grading-*/*/course/*/*/*/*.ipynb")
except OSError:
    pass
print("NEAR", sorted(set(near)))
print("FAR", sorted(set(far)))
def within_limit(volume_ml):
    return volume_ml <= MAX_ML
'''


def _write(nb: nbformat.NotebookNode, path: Path) -> None:
    nbformat.write(nb, path)


def _break_submissions(course: Path) -> None:
    submit(course, "good")
    submit(course, "partial", {"dose_answer": "def dose_ml(weight_kg):\n    return weight_kg * 0.03"})

    folder = submit(course, "unreadable")
    (folder / "contra.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n not a notebook")

    folder = course / "submitted" / "empty" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("I could not open Jupyter")

    folder = submit(course, "duplicated")
    nb = answered(course, "dosing", CORRECT)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_dose")
    answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "dose_answer")
    wrong = nbformat.from_dict(json.loads(json.dumps(answer)))
    wrong.source, wrong.id = "def dose_ml(weight_kg):\n    return 0", "wrong-copy"
    copy_of_test = nbformat.from_dict(json.loads(json.dumps(test)))
    copy_of_test.id = "test-copy"
    nb.cells.insert(nb.cells.index(answer), wrong)
    nb.cells.insert(nb.cells.index(test), copy_of_test)
    _write(nb, folder / "dosing.ipynb")

    folder = submit(course, "deleted_test")
    nb = answered(course, "dosing", CORRECT)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in ("test_limit", "setup")]
    _write(nb, folder / "dosing.ipynb")

    submit(course, "looping", {"contra_answer": "def contraindicated(condition):\n    while True:\n        pass"})
    submit(course, "crashing", {"dose_answer": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"})
    submit(course, "hog", {"limit_answer": "def within_limit(volume_ml):\n"
                                            "    ballast = bytearray(2 * 1024 ** 3)\n"
                                            "    return volume_ml <= MAX_ML"})
    submit(course, "flood", {"dose_answer": "for i in range(300_000):\n    print('x' * 60)\n"
                                            + CORRECT["dose_answer"]})
    folder = submit(course, "hostile", {"limit_answer": f"COURSE = {str(course)!r}\n" + HOSTILE})
    (folder / "data.csv").symlink_to(course / "gradebook.db")


@pytest.fixture(scope="session")  # session: xdist may interleave modules
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    course = build_course(tmp_path_factory.mktemp("faults") / "course")
    _break_submissions(course)
    before = tree_hashes(course / "submitted")
    source_before = tree_hashes(course / "source")
    results = grade_cohort(Course.open(course), ASSIGNMENT, workers=2, limits=LIMITS)
    rows = {row["student_id"]: row for row in csv.DictReader(open(course / "reports" / f"grading-{ASSIGNMENT}.csv"))}
    return {"course": course, "results": {r.student_id: r for r in results}, "rows": rows,
            "scores": cell_scores(f"sqlite:///{course / 'gradebook.db'}"),
            "submitted_before": before, "source_before": source_before}


def _row(graded: dict, student: str) -> dict:
    return graded["rows"][student]


def _graded_notebook(graded: dict, student: str, notebook: str = "dosing") -> Path:
    return graded["course"] / "autograded" / student / ASSIGNMENT / f"{notebook}.ipynb"


def test_the_report_has_one_row_per_submission_with_exact_columns(graded):
    with open(graded["course"] / "reports" / f"grading-{ASSIGNMENT}.csv") as handle:
        header = handle.readline().strip()
    assert header == "student_id,status,score,max_score,notes"
    assert sorted(graded["rows"]) == sorted(graded["results"]) == sorted(
        p.name for p in (graded["course"] / "submitted").iterdir())
    assert all(row["max_score"] == f"{MAX_SCORE:g}" for row in graded["rows"].values())


def test_sound_submissions_are_graded_without_notes(graded):
    assert _row(graded, "good") == {"student_id": "good", "status": "graded", "score": "4", "max_score": "4",
                                    "notes": ""}
    assert _row(graded, "partial")["status"] == "graded" and _row(graded, "partial")["score"] == "2"
    assert graded["scores"][("partial", "dosing", "test_dose")] == (0.0, False)
    assert graded["scores"][("partial", "dosing", "test_limit")] == (1.0, False)


def test_originals_are_never_modified(graded):
    assert tree_hashes(graded["course"] / "submitted") == graded["submitted_before"]
    assert tree_hashes(graded["course"] / "source") == graded["source_before"]


def test_an_unreadable_notebook_scores_zero_and_the_rest_is_graded(graded):
    row = _row(graded, "unreadable")
    assert row["status"] == "flagged" and row["score"] == "3"
    assert "contra.ipynb is not a readable notebook" in row["notes"]
    assert graded["scores"][("unreadable", "contra", "test_contra")] == (0.0, False)


def test_a_submission_without_notebooks_fails_with_a_reason(graded):
    row = _row(graded, "empty")
    assert row["status"] == "failed" and row["score"] == ""
    assert "dosing.ipynb is missing" in row["notes"] and "no notebook" in row["notes"]
    assert not any(student == "empty" for student, _, _ in graded["scores"])


def test_duplicated_cells_grade_the_last_copy_instead_of_aborting(graded):
    row = _row(graded, "duplicated")
    assert row["status"] == "flagged" and row["score"] == "4"
    assert "'test_dose' appears 2 times" in row["notes"] and "'dose_answer' appears 2 times" in row["notes"]


def test_a_deleted_test_cell_scores_zero_not_needs_manual_grading(graded):
    row = _row(graded, "deleted_test")
    assert row["status"] == "flagged" and row["score"] == "3"
    assert "test cell 'test_limit' was deleted from dosing.ipynb" in row["notes"]
    assert "read-only cell 'setup' was deleted" in row["notes"]
    assert graded["scores"][("deleted_test", "dosing", "test_limit")] == (0.0, False)
    assert graded["scores"][("deleted_test", "dosing", "test_dose")] == (2.0, False)  # setup restored: MAX_ML


def test_an_infinite_loop_costs_the_time_budget_not_the_batch(graded):
    result = graded["results"]["looping"]  # contra.ipynb, graded first, loops; dosing.ipynb never runs
    assert result.status == "flagged" and result.score == 0
    assert "time budget of 20 s was used up in cell 2 of contra.ipynb" in "; ".join(result.notes)
    assert result.seconds < LIMITS.time_budget_s + 15
    assert "NotRun" in outputs_text(_graded_notebook(graded, "looping", "dosing"))
    assert graded["results"]["good"].seconds < LIMITS.time_budget_s


def test_a_dying_kernel_zeroes_its_notebook_from_that_cell_on(graded):
    row = _row(graded, "crashing")
    assert row["status"] == "flagged" and "the kernel stopped (signal 9" in row["notes"]
    assert graded["scores"][("crashing", "dosing", "test_limit")] == (0.0, False)
    assert graded["scores"][("crashing", "contra", "test_contra")] == (1.0, False)  # a fresh kernel per notebook
    assert row["score"] == "1"


def test_a_memory_hog_meets_the_kernel_memory_limit(graded):
    row = _row(graded, "hog")
    assert row["status"] == "flagged" and row["score"] == "3"
    assert "ran out of memory (limit 512 MB)" in row["notes"]
    assert "MemoryError" in outputs_text(_graded_notebook(graded, "hog"))


def test_an_output_flood_is_cut_and_the_notebook_stays_small(graded):
    row = _row(graded, "flood")
    assert row["status"] == "flagged" and row["score"] == "4"
    assert "output of dosing.ipynb was cut" in row["notes"]
    assert _graded_notebook(graded, "flood").stat().st_size < 2 * LIMITS.max_output_bytes


def _printed(graded: dict, student: str, label: str) -> str:
    nb = nbformat.read(_graded_notebook(graded, student), as_version=4)
    texts = [output.get("text", "") for cell in nb.cells for output in cell.get("outputs", [])]
    return next(line for text in texts for line in text.splitlines() if line.startswith(label))


def test_trainee_code_finds_no_gradebook_or_instructor_notebook_nearby(graded):
    assert _printed(graded, "hostile", "NEAR") == "NEAR []"
    assert _row(graded, "hostile")["score"] == "4"
    assert "ignored the symbolic link data.csv" in _row(graded, "hostile")["notes"]
    database = sqlite3.connect(graded["course"] / "gradebook.db")
    assert database.execute("pragma integrity_check").fetchone() == ("ok",)
    assert not (graded["course"] / "gradebook.db").read_bytes().endswith(b"tampered")


def test_without_the_sandbox_nothing_is_found_nearby_either(graded, tmp_path: Path):
    course = copy_course(graded["course"], tmp_path / "course")
    limits = GradingLimits(time_budget_s=60, memory_mb=512, sandbox="off")
    [result] = grade_cohort(Course.open(course), ASSIGNMENT, students=["hostile"], force=True, limits=limits)
    assert result.score == 4
    found = _printed({"course": course}, "hostile", "NEAR")
    # (an unsandboxed kernel may see other folders that happen to lie near the temp folder)
    assert str(course) not in found and str(graded["course"]) not in found and "../" not in found


@pytest.mark.skipif(landlock_abi() < 1, reason="this Linux kernel has no Landlock")
def test_under_landlock_not_even_absolute_paths_reach_the_course(graded):
    assert _printed(graded, "hostile", "FAR") == "FAR []"


def _processes() -> list[tuple[str, dict[str, str]]]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        variables = dict(item.decode(errors="replace").partition("=")[::2] for item in environ if b"=" in item)
        found.append((" ".join(part.decode(errors="replace") for part in command).strip(), variables))
    return found


def test_no_kernel_or_worker_outlives_the_run(graded):
    leftovers = []
    for command, variables in _processes():
        scratch = variables.get("TMPDIR", "")
        if "mesocourse-grading-" in scratch and not Path(scratch).exists():  # a kernel of a finished run
            leftovers.append(command)
        if "course.grading.worker_process" in command and command.endswith(f" {os.getpid()}"):  # one of our workers
            leftovers.append(command)
        same_session = variables.get("PYTEST_XDIST_WORKER") == os.environ.get("PYTEST_XDIST_WORKER")
        if "course.grading.kernel_zygote" in command and same_session:  # the kernel zygote of one of them
            leftovers.append(command)
    assert leftovers == []
