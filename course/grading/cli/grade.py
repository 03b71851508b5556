"""``mesocourse grade``: grade every submission of an assignment, in parallel, resumably."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from typing import TYPE_CHECKING

from course.argument_types import positive_number, whole_number
from course.grading.limits import GradingLimits

if TYPE_CHECKING:
    from course.grading.ledger import SubmissionResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = GradingLimits()
    parser.add_argument("assignment", help="assignment name, as in source/ASSIGNMENT")
    parser.add_argument("--course", required=True, metavar="DIR", help="the nbgrader course folder")
    parser.add_argument("--workers", type=whole_number(), metavar="N",
                        help="parallel workers (default: one per CPU core)")
    parser.add_argument("--student", dest="students", action="extend", nargs="+", metavar="ID",
                        help="grade only these students")
    parser.add_argument("--force", action="store_true", help="regrade submissions that did not change")
    parser.add_argument("--time-budget", type=positive_number(), default=defaults.time_budget_s, metavar="SECONDS",
                        help="time allowed per submission, all cells together (default: %(default)g)")
    parser.add_argument("--memory-mb", type=whole_number(), default=defaults.memory_mb, metavar="MB",
                        help="memory limit of each kernel (default: %(default)s)")
    parser.add_argument("--max-output-mb", type=positive_number(), default=defaults.max_output_bytes / 1e6,
                        metavar="MB", help="outputs kept per graded notebook (default: %(default)g)")
    parser.add_argument("--sandbox", choices=("auto", "off", "require"), default=defaults.sandbox,
                        help="Linux Landlock sandbox for kernels (default: %(default)s)")


def summary(assignment: str, results: list[SubmissionResult], seconds: float) -> str:
    """The line printed at the end of a run."""
    fresh = [result for result in results if result.fresh]
    counts = Counter(result.status for result in fresh)
    done = ", ".join(f"{counts[status]} {status}" for status in ("graded", "flagged", "failed"))
    rate = f" ({len(fresh) / seconds:.2f}/s)" if fresh and seconds > 0 else ""
    unchanged = len(results) - len(fresh)
    return (f"{assignment}: {len(fresh)} submission(s) graded in {seconds:.1f} s{rate}: {done}; "
            f"{unchanged} unchanged since the last run")


def run(args: argparse.Namespace) -> int:
    from course.coursedir import Course
    from course.grading.cohort_grading import grade_cohort
    from course.grading.progress_bar import ProgressBar

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    limits = GradingLimits(time_budget_s=args.time_budget, memory_mb=args.memory_mb,
                           max_output_bytes=int(args.max_output_mb * 1e6), sandbox=args.sandbox)
    course = Course.open(args.course)
    started = time.monotonic()
    results = grade_cohort(course, args.assignment, workers=args.workers, students=args.students,
                           force=args.force, progress=ProgressBar(args.assignment), limits=limits)
    print(summary(args.assignment, results, time.monotonic() - started))
    print(f"report: {course.gradesheet(args.assignment)}")
    return 0
