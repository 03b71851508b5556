"""Resumable and idempotent grading: kill -9 mid-run, rerun, compare with a clean run.

Also: a second run regrades only what changed, ``--force`` regrades everything,
and the command line prints progress on stderr and a summary on stdout.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from grading_support import ASSIGNMENT, build_course, cell_scores, copy_course, submit

from course.cli import main
from course.coursedir import Course
from course.grading import grade_cohort

pytestmark = [pytest.mark.slow, pytest.mark.long]

STUDENTS = {f"trainee{n}": {"dose_answer": f"def dose_ml(weight_kg):\n    return round(weight_kg * 0.02, 2) + {n % 2}"}
            for n in range(5)}


@pytest.fixture(scope="session")  # session: xdist may interleave modules
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Submitted, not graded yet."""
    course = build_course(tmp_path_factory.mktemp("resume") / "course")
    for student, answers in STUDENTS.items():
        submit(course, student, answers)
    return course


@pytest.fixture(scope="session")  # session: xdist may interleave modules
def clean(cohort: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same cohort graded in one uninterrupted run."""
    course = copy_course(cohort, tmp_path_factory.mktemp("clean") / "course")
    results = grade_cohort(Course.open(course), ASSIGNMENT, workers=2)
    assert [r.status for r in results] == ["graded"] * len(STUDENTS)
    return course


def _grade_command(course: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "course", "grade", ASSIGNMENT, "--course", str(course), *extra]


def _ledger(course: Path) -> list[dict]:
    path = course / ".mesocourse" / "grading" / f"{ASSIGNMENT}.json"
    return json.loads(path.read_text())["results"] if path.exists() else []


def _rows(course: Path, table: str) -> int:
    with sqlite3.connect(course / "gradebook.db") as database:
        return database.execute(f"select count(*) from {table}").fetchone()[0]


def _stop_after_first_result(course: Path, how: signal.Signals) -> int:
    """Run the command, stop it as soon as one result is recorded; its exit code."""
    run = subprocess.Popen(_grade_command(course, "--workers", "1"), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not _ledger(course) and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
    if how == signal.SIGINT:
        os.killpg(run.pid, how)  # Ctrl-C reaches the whole foreground group
    else:
        os.kill(run.pid, how)
    code = run.wait(timeout=60)
    deadline = time.monotonic() + 10  # its workers (and their kernels) die with it
    while _workers_of(run.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _workers_of(run.pid) == []
    return code


def _workers_of(parent: int) -> list[str]:
    commands = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "course.grading.worker_process" in command and command[-2:] == [str(parent), ""]:
            commands.append(" ".join(command))
    return commands


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_a_run_stopped_midway_then_resumed_equals_a_clean_run(how: signal.Signals, cohort: Path, clean: Path,
                                                               tmp_path: Path):
    interrupted = copy_course(cohort, tmp_path / "interrupted")

    code = _stop_after_first_result(interrupted, how)
    assert code == (130 if how == signal.SIGINT else -signal.SIGKILL)
    done_before = {row["student_id"] for row in _ledger(interrupted)}
    assert 1 <= len(done_before) < len(STUDENTS)
    if how == signal.SIGINT:  # an orderly stop still writes the gradesheet of what is done
        rows = csv.DictReader(open(interrupted / "reports" / f"grading-{ASSIGNMENT}.csv"))
        assert {row["student_id"] for row in rows} == done_before

    resumed = grade_cohort(Course.open(interrupted), ASSIGNMENT, workers=2)
    assert {r.student_id for r in resumed if r.fresh} == set(STUDENTS) - done_before
    url = "sqlite:///{}"
    assert cell_scores(url.format(interrupted / "gradebook.db")) == cell_scores(url.format(clean / "gradebook.db"))
    assert _rows(interrupted, "submitted_assignment") == len(STUDENTS)
    assert _rows(interrupted, "grade") == _rows(clean, "grade") == 3 * len(STUDENTS)
    rows = list(csv.DictReader(open(interrupted / "reports" / f"grading-{ASSIGNMENT}.csv")))
    assert sorted(row["student_id"] for row in rows) == sorted(STUDENTS)
    for student in STUDENTS:
        assert (interrupted / "autograded" / student / ASSIGNMENT / "dosing.ipynb").is_file()
    assert not list((interrupted / "autograded").glob(f"*/.{ASSIGNMENT}.*"))  # no half-published folder left


def test_rerun_grades_only_changed_submissions_and_force_grades_all(clean: Path, tmp_path: Path):
    course = copy_course(clean, tmp_path / "course")
    scores = cell_scores(f"sqlite:///{course / 'gradebook.db'}")

    again = grade_cohort(Course.open(course), ASSIGNMENT, workers=2)
    assert not any(result.fresh for result in again)
    assert [(r.student_id, r.score) for r in again] == [(s, 2.0 if n % 2 else 4.0) for n, s in enumerate(STUDENTS)]

    submit(course, "trainee0", {"dose_answer": "def dose_ml(weight_kg):\n    return None"})
    changed = grade_cohort(Course.open(course), ASSIGNMENT, workers=2)
    assert [r.student_id for r in changed if r.fresh] == ["trainee0"]
    assert next(r for r in changed if r.student_id == "trainee0").score == 2
    assert cell_scores(f"sqlite:///{course / 'gradebook.db'}")[("trainee0", "dosing", "test_dose")] == (0.0, False)

    forced = grade_cohort(Course.open(course), ASSIGNMENT, workers=2, students=["trainee1", "trainee2"], force=True)
    assert [r.student_id for r in forced if r.fresh] == ["trainee1", "trainee2"]
    assert {k: v for k, v in cell_scores(f"sqlite:///{course / 'gradebook.db'}").items() if k[0] != "trainee0"} == {
        k: v for k, v in scores.items() if k[0] != "trainee0"}


def test_the_command_shows_progress_and_a_summary(clean: Path, tmp_path: Path):
    course = copy_course(clean, tmp_path / "course")
    done = subprocess.run(_grade_command(course, "--force", "--student", "trainee3", "trainee4"),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "[2/2]" in done.stderr and "trainee3: graded 2/4" in done.stderr and "trainee4: graded 4/4" in done.stderr
    assert "2 submission(s) graded" in done.stdout and "2 graded, 0 flagged, 0 failed" in done.stdout
    assert "0 unchanged" in done.stdout and f"grading-{ASSIGNMENT}.csv" in done.stdout



def test_grades_wait_for_a_gradebook_another_program_is_writing(clean: Path, tmp_path: Path):
    course = copy_course(clean, tmp_path / "course")
    submit(course, "trainee1")  # now all correct: its grades change
    other = sqlite3.connect(course / "gradebook.db", check_same_thread=False)
    other.execute("begin immediate")  # a writer holds the gradebook; readers may still read
    release = threading.Timer(12, other.commit)
    started = time.monotonic()
    release.start()
    try:
        results = grade_cohort(Course.open(course), ASSIGNMENT, students=["trainee1"], workers=1)
    finally:
        release.join()
        other.close()
    assert [(r.student_id, r.status, r.score) for r in results] == [("trainee1", "graded", 4.0)]
    assert time.monotonic() - started >= 12
    assert _rows(course, "submitted_assignment") == len(STUDENTS)


def test_the_command_names_what_cannot_be_graded(clean: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["grade", ASSIGNMENT, "--course", str(clean), "--student", "nobody"]) == 2
    assert "no submission of 'dosing' for nobody" in capsys.readouterr().err
    assert main(["grade", "ps9", "--course", str(clean)]) == 2
    assert "assignment 'ps9' is not in the gradebook" in capsys.readouterr().err
    assert main(["grade", ASSIGNMENT, "--course", str(clean / "nowhere")]) == 2
    assert "nowhere: no such course folder" in capsys.readouterr().err
