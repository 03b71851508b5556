"""Grading throughput: serial `nbgrader autograde` against `mesocourse grade`.

Both grade the same synthetic cohort (well-formed submissions only, since nbgrader
aborts a batch on some broken notebooks) of one assignment, each in its own copy of
the course, in one run. Prints notebooks per second for each, their ratio, the peak
memory of each command's whole process tree (sampled from /proc), and whether every
per-cell score is identical. Goal on 2 cores: at least 2x nbgrader's throughput.

    python benchmarks/grading_throughput.py [--trainees 40] [--assignment depth] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants, in MB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total / 1e6


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``command``; return (seconds, peak MB of its process tree)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0.0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_rss_mb(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = process.communicate()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-2000:]}")
    return time.monotonic() - started, peak


def cohort(folder: Path, trainees: int, assignment: str) -> list[str]:
    """A course in ``folder`` with ``trainees`` well-formed submissions of ``assignment``."""
    from course.demo.cohort import write_cohort
    from course.demo.workspace import build_workspace

    build_workspace(folder, (assignment,))
    roster = write_cohort(folder, trainees + trainees // 3, seed=7, assignments=(assignment,))
    kept = [t.id for t in roster if not t.fault][:trainees]
    for trainee in roster:
        if trainee.id not in kept:
            shutil.rmtree(folder / "submitted" / trainee.id)
    return kept


def scores(folder: Path, assignment: str) -> dict[tuple[str, str], float]:
    from course.report.scores import default_db_url, load_scores

    frame = load_scores(default_db_url(folder)).submitted()
    frame = frame[frame["assignment"] == assignment]
    return {(r.student_id, r.grade_id): round(r.score, 6) for r in frame.itertuples()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=40)
    parser.add_argument("--assignment", default="depth")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mesocourse-bench-") as tmp:
        base = Path(tmp) / "base"
        students = cohort(base, args.trainees, args.assignment)
        serial, parallel = Path(tmp) / "nbgrader", Path(tmp) / "mesocourse"
        shutil.copytree(base, serial)
        shutil.copytree(base, parallel)
        n = len(students)
        print(f"cohort: {n} submissions of '{args.assignment}', {os.cpu_count()} cores, {args.workers} workers")
        t_serial, m_serial = timed([str(BIN / "nbgrader"), "autograde", args.assignment, "--force"], serial)
        t_ours, m_ours = timed([str(BIN / "mesocourse"), "grade", args.assignment, "--course", str(parallel),
                                "--workers", str(args.workers), "--force"], parallel)
        same = scores(serial, args.assignment) == scores(parallel, args.assignment)
        print(f"nbgrader autograde (serial): {n / t_serial:.2f} notebooks/s ({t_serial:.1f} s), peak {m_serial:.0f} MB")
        print(f"mesocourse grade:            {n / t_ours:.2f} notebooks/s ({t_ours:.1f} s), peak {m_ours:.0f} MB")
        print(f"ratio: {t_serial / t_ours:.2f}x nbgrader's throughput (goal: >= 2x)")
        print(f"every per-cell score identical: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
