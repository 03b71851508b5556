"""How long `import course` takes in a fresh interpreter (python -X importtime).

Target: well under 0.3 s. Prints the cumulative time of the `course` package and
the slowest modules it pulls in, then the same for `course.assignments.grader`, the
grader every test cell imports (standard library only; it must stay a few
milliseconds). Run: `make bench` or `python benchmarks/import_time.py`.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys

RUNS = 7


def course_import_us(module: str = "course") -> tuple[int, list[tuple[int, str]]]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          capture_output=True, text=True, check=True)
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(.+)$", line)
        if match:
            rows.append((int(match.group(2)), match.group(3).strip()))
    total = next(cumulative for cumulative, name in rows if name == module)
    return total, sorted(rows, reverse=True)[:5]


def main() -> None:
    totals = [course_import_us()[0] for _ in range(RUNS)]
    median_s = statistics.median(totals) / 1e6
    print(f"import course: median {median_s * 1000:.1f} ms over {RUNS} runs (target < 300 ms)")
    for cumulative, name in course_import_us()[1]:
        print(f"  {cumulative / 1000:8.1f} ms  {name}")
    grader = "course.assignments.grader"
    totals = [course_import_us(grader)[0] for _ in range(RUNS)]
    print(f"import {grader}: median {statistics.median(totals) / 1000:.1f} ms over {RUNS} runs "
          f"(modules: {', '.join(name for _, name in course_import_us(grader)[1])})")


if __name__ == "__main__":
    main()
