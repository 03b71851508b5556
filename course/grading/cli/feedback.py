"""``mesocourse feedback``: one HTML feedback file per trainee and notebook, hidden tests removed."""

from __future__ import annotations

import argparse
import sys

from course.errors import SAID_NO, SUCCESS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help="assignment name, as in source/ASSIGNMENT")
    parser.add_argument("--course", required=True, metavar="DIR", help="the nbgrader course folder")
    parser.add_argument("--student", dest="students", action="extend", nargs="+", metavar="ID",
                        help="only these students")


def run(args: argparse.Namespace) -> int:
    from course.coursedir import Course
    from course.grading.feedback import write_feedback
    from course.grading.progress_bar import ProgressBar

    results = write_feedback(Course.open(args.course), args.assignment, students=args.students,
                             progress=ProgressBar(f"{args.assignment} feedback"))
    written = [result for result in results if result.status == "written"]
    print(f"{args.assignment}: feedback written for {len(written)} of {len(results)} trainee(s)")
    for result in results:
        if result.status != "written":
            print(f"  {result.student_id}: {result.reason}", file=sys.stderr)
    return SUCCESS if len(written) == len(results) else SAID_NO
