"""Report and certification at cohort scale: 24, 1,000 and 5,000 trainees.

A graded demo course (``--demo DIR``, else the repository's ``demo-course/``
from ``make demo``, else a new ``mesocourse demo --trainees 24``) is cloned to larger cohorts without grading: every
extra trainee copies one demo trainee's submissions, notebooks, grades and
comments (set-based SQL over nbgrader's tables, new IDs), with about one score
in six flipped (full marks to 0, anything else to full marks), and that demo
trainee's observed practice in a fresh registry. nbgrader's own API then checks
that the gradebook holds N students with scored submissions. Each size is timed
with the real commands (``mesocourse report``, ``mesocourse certify``), with
the peak memory of the process. Targets: report < 5 s at 1,000 and < 20 s at
5,000 trainees, certify < 10 s at 1,000, report peak < 500 MB at 5,000.

    python benchmarks/report_scale.py [--sizes 24,1000,5000] [--demo DIR] [--profile]

``--profile`` also runs each command under cProfile and prints its slowest
functions (cumulative), to see where the time goes.
"""

from __future__ import annotations

import argparse
import os
import pstats
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from grading_throughput import BIN, timed

FLIP_SHARE = 1 / 6
REPO = Path(__file__).resolve().parent.parent
TARGETS = {("report", 1000): 5.0, ("report", 5000): 20.0, ("certify", 1000): 10.0}
# nbgrader's tables that hold a trainee's work, parent first: (table, parent table, column pointing to it)
CLONED = (("submitted_assignment", "student", "student_id"),
          ("submitted_notebook", "submitted_assignment", "assignment_id"),
          ("grade", "submitted_notebook", "notebook_id"),
          ("comment", "submitted_notebook", "notebook_id"))


def build_demo(folder: Path) -> Path:
    """The 24-trainee demo course, graded for real (takes minutes)."""
    print(f"building the 24-trainee demo course in {folder} (grading: a few minutes)", flush=True)
    done = subprocess.run([str(BIN / "mesocourse"), "demo", "--out", str(folder), "--trainees", "24"],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"mesocourse demo failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return folder


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def clone_gradebook(path: Path, copies: list[tuple[str, str]], seed: int = 2026) -> None:
    """Add to the gradebook at ``path`` one student per (new ID, original ID), with the original's work."""
    db = sqlite3.connect(path)
    rng = random.Random(seed)
    db.create_function("flip", 2, lambda score, top: None if score is None else (
        (0.0 if score >= top else top) if top is not None and rng.random() < FLIP_SHARE else score))
    db.execute("CREATE TEMP TABLE map_student (old_id TEXT, new_id TEXT)")
    db.executemany("INSERT INTO map_student VALUES (?, ?)", [(old, new) for new, old in copies])
    columns = _columns(db, "student")
    db.execute(f"INSERT INTO student ({', '.join(columns)}) SELECT "
               + ", ".join("m.new_id" if c == "id" else f"s.{c}" for c in columns)
               + " FROM map_student m JOIN student s ON s.id = m.old_id")
    for table, parent, link in CLONED:
        # one new row per (clone, source row): a fresh ID, the parent link mapped to the clone's copy
        db.execute(f"CREATE TEMP TABLE map_{table} AS SELECT t.id AS old_id, lower(hex(randomblob(16))) AS new_id, "
                   f"p.new_id AS parent FROM map_{parent} p JOIN {table} t ON t.{link} = p.old_id")
        columns = _columns(db, table)
        values = {"id": "m.new_id", link: "m.parent"}
        if table == "grade":
            values["auto_score"] = "flip(t.auto_score, (SELECT max_score FROM grade_cells WHERE id = t.cell_id))"
        db.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT "
                   + ", ".join(values.get(c, f"t.{c}") for c in columns)
                   + f" FROM map_{table} m JOIN {table} t ON t.id = m.old_id")
    db.commit()
    db.close()


def clones(originals: list[str], size: int) -> list[tuple[str, str]]:
    """(clone ID, the original it copies) for the trainees beyond the originals."""
    return [(f"clone{k + 1:05d}", originals[k % len(originals)]) for k in range(max(size - len(originals), 0))]


def clone_observations(demo: Path, course: Path, originals: list[str], size: int) -> int:
    """A fresh registry with every trainee's observed practice (a clone's: its original's)."""
    from course.certification.registry import OBSERVATION, Registry

    with Registry(f"sqlite:///{demo / 'certification' / 'registry.db'}", create=False) as source:
        observed: dict[str, list] = {}
        for record in source.records(kind=OBSERVATION):
            observed.setdefault(record.trainee, []).append(record.data)
    owners = [(t, t) for t in originals] + clones(originals, size)
    recorded = 0
    with Registry(f"sqlite:///{course / 'certification' / 'registry.db'}", create=True) as registry:
        with registry.transaction("benchmark") as tx:
            for trainee, original in owners:
                for data in observed.get(original, ()):
                    tx.append(OBSERVATION, {**data, "trainee": trainee}, trainee=trainee)
                    recorded += 1
    return recorded


def build_cohort(demo: Path, course: Path, size: int) -> None:
    """A course folder of ``size`` trainees cloned from the demo, checked through nbgrader's API."""
    from nbgrader.api import Gradebook

    course.mkdir(parents=True)
    shutil.copy2(demo / "nbgrader_config.py", course)
    shutil.copytree(demo / "source", course / "source")
    shutil.copy2(demo / "gradebook.db", course / "gradebook.db")
    with sqlite3.connect(course / "gradebook.db") as db:
        originals = [row[0] for row in db.execute("SELECT id FROM student ORDER BY id")]
    if size < len(originals):
        raise SystemExit(f"--sizes: {size} is below the demo's {len(originals)} trainees")
    clone_gradebook(course / "gradebook.db", clones(originals, size))
    observations = clone_observations(demo, course, originals, size)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:  # per-object reads: a sample, not all
        students = gb.students
        if len(students) != size:
            raise SystemExit(f"nbgrader reads {len(students)} students, expected {size}")
        sample = [originals[0], *(new for new, _ in clones(originals, size)[-3:])]
        scores = {s: [round(sub.score, 2) for sub in gb.find_student(s).submissions] for s in sample}
        if not all(scores.values()):
            raise SystemExit(f"nbgrader reads no submission for some of {sample}: {scores}")
    print(f"{size} trainees: nbgrader reads {len(students)} students; submission scores of {', '.join(sample)}: "
          f"{scores}; {observations} observations in the registry", flush=True)


def profile(command: list[str], course: Path, out: Path) -> None:
    """Run ``mesocourse <command>`` under cProfile; print its slowest functions."""
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "course", *command],
                   cwd=course, stdout=subprocess.DEVNULL, check=True)
    stats = pstats.Stats(str(out))
    shown = r"course/|matplotlib/figure|pandas/core/frame|sqlalchemy/engine/base"
    stats.sort_stats("cumulative").print_stats(shown, 14)


def timed_cpu(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MB) of ``command``. CPU time (user + system)
    is what the command itself costs; on a loaded machine the wall time grows, it barely does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, peak = timed(command, cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), peak


def measure(course: Path, size: int, run_profile: bool) -> dict[str, tuple[float, float, float]]:
    """Wall seconds, CPU seconds and peak MB of ``report`` and ``certify`` on the course at ``course``."""
    def command(name: str, folder: Path) -> list[str]:
        if name == "report":
            return ["report", "--course", str(folder), "--out", str(folder / "reports" / "cohort-report.html")]
        return ["certify", "--course", str(folder), "--by", "benchmark", "--date", date.today().isoformat()]

    figures = {}
    for name in ("report", "certify"):
        if run_profile:  # on a copy of the course: the timed run starts from the same registry
            copy = Path(shutil.copytree(course, course.with_name("profiled")))
            profile(command(name, copy), copy, course / f"{name}.prof")
            shutil.rmtree(copy)
        figures[name] = timed_cpu([str(BIN / "mesocourse"), *command(name, course)], course)
        target = TARGETS.get((name, size))
        seconds, cpu, peak = figures[name]
        print(f"{size} trainees: mesocourse {name}: {seconds:.1f} s ({cpu:.1f} s CPU), peak {peak:.0f} MB"
              + (f" (target < {target:.0f} s)" if target else ""), flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="24,1000,5000", help="cohort sizes, comma-separated")
    parser.add_argument("--demo", type=Path, help="a graded demo course to clone (default: the repository's "
                        "demo-course/ from `make demo` if there is one, else a new one)")
    parser.add_argument("--profile", action="store_true", help="also profile each command")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="mesocourse-scale-") as tmp:
        made = REPO / "demo-course"
        if args.demo is None and (made / "certification" / "registry.db").is_file():
            args.demo = made
        demo = args.demo.resolve() if args.demo else build_demo(Path(tmp) / "demo")
        results = {}
        for size in sizes:
            course = Path(tmp) / f"cohort-{size}"
            build_cohort(demo, course, size)
            results[size] = measure(course, size, args.profile)
            shutil.rmtree(course)
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| cohort | report: wall (CPU) | report peak | certify: wall (CPU) | certify peak |\n"
          "| --- | --- | --- | --- | --- |")
    for size, figures in results.items():
        (t_report, c_report, m_report), (t_certify, c_certify, m_certify) = figures["report"], figures["certify"]
        print(f"| {size:,} trainees | {t_report:.1f} s ({c_report:.1f} s) | {m_report:.0f} MB "
              f"| {t_certify:.1f} s ({c_certify:.1f} s) | {m_certify:.0f} MB |")


if __name__ == "__main__":
    main()
