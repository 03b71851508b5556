"""``mesocourse feedback``: one HTML feedback file per trainee and notebook, hidden tests removed."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help="assignment name, as in source/ASSIGNMENT")
    parser.add_argument("--course", required=True, metavar="DIR", help="the nbgrader course folder")
    parser.add_argument("--student", dest="students", action="extend", nargs="+", metavar="ID",
                        help="only these students")


def run(args: argparse.Namespace) -> int:
    from .errors import GradingError
    from .feedback import write_feedback
    from .progress import ProgressBar

    try:
        results = write_feedback(args.course, args.assignment, students=args.students,
                                 progress=ProgressBar(f"{args.assignment} feedback"))
    except GradingError as error:
        print(f"mesocourse feedback: {error}", file=sys.stderr)
        return 1
    written = [result for result in results if result.status == "written"]
    print(f"{args.assignment}: feedback written for {len(written)} of {len(results)} trainee(s)")
    for result in results:
        if result.status != "written":
            print(f"  {result.student_id}: {result.reason}", file=sys.stderr)
    return 0 if len(written) == len(results) else 1
