"""Grading throughput: serial `nbgrader autograde` against `mesocourse grade`.

Both grade the same synthetic cohort (well-formed submissions only, since nbgrader
aborts a batch on some broken notebooks) of one assignment, each in its own copy of
the course, in one run. Prints notebooks per second for each, their ratio, the peak
memory of each command's whole process tree (sampled from /proc: RSS, and PSS, which
counts the pages forked kernels share with their zygote once), whether every
per-cell score is identical, and the CPU time each command's process tree used (less
sensitive than wall time to other load on the machine). Goal on 2 cores: at least 3x
nbgrader's throughput, with a peak memory at most 3x nbgrader's.
The machine's speed drifts over minutes (shared virtual machines), so each round
runs both commands back to back on fresh copies, and the median round is reported.

    python benchmarks/grading_throughput.py [--trainees 40] [--assignment depth] [--workers N] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


def _pss_mb(pid: int) -> float:
    """Proportional set size of one process: each page it shares counted once across the sharers."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def tree_memory_mb(root: int) -> tuple[float, float]:
    """Resident memory (RSS) and proportional memory (PSS) of ``root`` and all its descendants, in MB.

    RSS sums each process's resident pages, so pages that forked processes share (a
    kernel forked from its zygote, shared libraries) count once per process; PSS
    splits each shared page among its sharers, so the sum is the memory the tree
    really takes.
    """
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
    total, pss, stack = 0, 0.0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        pss += _pss_mb(pid)
        stack += children.get(pid, [])
    return total / 1e6, pss


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path) -> tuple[float, float, float, float]:
    """Run ``command``; return (seconds, peak RSS MB and peak PSS MB of its process tree, CPU seconds of its
    process tree)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    cpu_before = _children_cpu_s()
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = peak_pss = 0.0

    def sample() -> None:
        nonlocal peak, peak_pss
        while process.poll() is None:
            rss, pss = tree_memory_mb(process.pid)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = process.communicate()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-2000:]}")
    return time.monotonic() - started, peak, peak_pss, _children_cpu_s() - cpu_before


def cohort(folder: Path, trainees: int, assignment: str) -> list[str]:
    """A course in ``folder`` with ``trainees`` well-formed submissions of ``assignment``."""
    from course.demo.synthetic_cohort import write_cohort
    from course.demo.workspace import build_workspace

    course, _ = build_workspace(folder, (assignment,))
    roster = write_cohort(course, trainees + trainees // 3, seed=7, assignments=(assignment,))
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


def grade_both(base: Path, tmp: Path, assignment: str, workers: int | None) -> tuple[Run, Run, bool]:
    """One round: fresh copies of the cohort graded by nbgrader, then by mesocourse.

    Returns (nbgrader's run, mesocourse's run, same scores).
    """
    serial, parallel = tmp / "nbgrader", tmp / "mesocourse"
    for folder in (serial, parallel):
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(base, folder)
    theirs = Run(*timed([str(BIN / "nbgrader"), "autograde", assignment, "--force"], serial))
    ours = [str(BIN / "mesocourse"), "grade", assignment, "--course", str(parallel), "--force"]
    mine = Run(*timed(ours + (["--workers", str(workers)] if workers else []), parallel))
    return theirs, mine, scores(serial, assignment) == scores(parallel, assignment)


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float  # RSS
    peak_pss_mb: float
    cpu_s: float

    def line(self, n: int) -> str:
        return (f"{n / self.seconds:.2f} notebooks/s ({self.seconds:.1f} s), peak {self.peak_mb:.0f} MB "
                f"(PSS {self.peak_pss_mb:.0f} MB), CPU {self.cpu_s:.1f} s")


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
            theirs, mine, same = grade_both(base, Path(tmp), args.assignment, args.workers)
            rounds.append((theirs.seconds / mine.seconds, theirs, mine, same))
            print(f"round {number}: nbgrader {theirs.line(n)}; mesocourse {mine.line(n)}: "
                  f"{theirs.seconds / mine.seconds:.2f}x", flush=True)
        ratio, theirs, mine, _ = sorted(rounds, key=lambda r: r[0])[(len(rounds) - 1) // 2]  # the median round
        print(f"median round: nbgrader autograde (serial): {theirs.line(n)}")
        print(f"median round: mesocourse grade:            {mine.line(n)}")
        print(f"ratio: {ratio:.2f}x nbgrader's throughput (median of {len(rounds)}; goal: >= 3x), "
              f"peak memory {mine.peak_mb / theirs.peak_mb:.2f}x nbgrader's RSS, "
              f"{mine.peak_pss_mb / theirs.peak_pss_mb:.2f}x "
              "its PSS (goal: <= 3x)")
        print(f"every per-cell score identical in every round: {'yes' if all(r[-1] for r in rounds) else 'NO'}")
        print(f"load average (1, 5, 15 min) at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
