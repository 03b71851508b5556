"""Grading throughput: serial `nbgrader autograde` against `mesocourse grade`.

Both grade the same synthetic cohort (well-formed submissions only, since nbgrader
aborts a batch on some broken notebooks) of one assignment, each in its own copy of
the course, in one run. Prints notebooks per second for each, their ratio, the peak
memory of each command's whole process tree (sampled from /proc), and whether every
per-cell score is identical. Goal on 2 cores: at least 2x nbgrader's throughput.
The machine's speed drifts over minutes (shared virtual machines), so each round
runs both commands back to back on fresh copies, and the median round is reported.

    python benchmarks/grading_throughput.py [--trainees 40] [--assignment depth] [--workers N] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
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
    from course.coursedir import Course
    from course.report.scores import load_scores

    frame = load_scores(Course.open(folder)).submitted()
    frame = frame[frame["assignment"] == assignment]
    return {(r.student_id, r.grade_id): round(r.score, 6) for r in frame.itertuples()}


def grade_both(base: Path, tmp: Path, assignment: str, workers: int | None) -> tuple[float, float, float, float, bool]:
    """One round: fresh copies of the cohort graded by nbgrader, then by mesocourse.

    Returns (nbgrader seconds, nbgrader peak MB, mesocourse seconds, mesocourse peak MB, same scores).
    """
    serial, parallel = tmp / "nbgrader", tmp / "mesocourse"
    for folder in (serial, parallel):
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(base, folder)
    t_serial, m_serial = timed([str(BIN / "nbgrader"), "autograde", assignment, "--force"], serial)
    ours = [str(BIN / "mesocourse"), "grade", assignment, "--course", str(parallel), "--force"]
    t_ours, m_ours = timed(ours + (["--workers", str(workers)] if workers else []), parallel)
    return t_serial, m_serial, t_ours, m_ours, scores(serial, assignment) == scores(parallel, assignment)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=40)
    parser.add_argument("--assignment", default="depth")
    parser.add_argument("--workers", type=int, help="mesocourse grade --workers (default: its own default)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both runs; the median round is reported")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mesocourse-bench-") as tmp:
        base = Path(tmp) / "base"
        n = len(cohort(base, args.trainees, args.assignment))
        from course.grading.limits import default_workers

        workers = args.workers or default_workers()
        print(f"cohort: {n} submissions of '{args.assignment}', {os.cpu_count()} cores, "
              f"mesocourse grade with {workers} workers, {args.rounds} round(s)")
        rounds = []
        for number in range(1, args.rounds + 1):
            t_serial, m_serial, t_ours, m_ours, same = grade_both(base, Path(tmp), args.assignment, args.workers)
            rounds.append((t_serial / t_ours, t_serial, m_serial, t_ours, m_ours, same))
            print(f"round {number}: nbgrader {n / t_serial:.2f} notebooks/s ({t_serial:.1f} s), "
                  f"mesocourse {n / t_ours:.2f} notebooks/s ({t_ours:.1f} s): {t_serial / t_ours:.2f}x", flush=True)
        ratio, t_serial, m_serial, t_ours, m_ours, _ = statistics.median_low(rounds)
        print(f"median round: nbgrader autograde (serial): {n / t_serial:.2f} notebooks/s ({t_serial:.1f} s), "
              f"peak {m_serial:.0f} MB")
        print(f"median round: mesocourse grade:            {n / t_ours:.2f} notebooks/s ({t_ours:.1f} s), "
              f"peak {m_ours:.0f} MB")
        print(f"ratio: {ratio:.2f}x nbgrader's throughput (median of {len(rounds)}; goal: >= 2x)")
        print(f"every per-cell score identical in every round: {'yes' if all(r[-1] for r in rounds) else 'NO'}")


if __name__ == "__main__":
    main()
