"""``mesocourse report --course DIR --out FILE.html``: the cohort analytics report."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", required=True, metavar="DIR", help="nbgrader course folder")
    parser.add_argument("--out", required=True, metavar="FILE.html", help="where to write the report")
    parser.add_argument("--db", metavar="URL", help="gradebook database URL (default: the course's, as nbgrader "
                        "finds it: db_url in DIR/nbgrader_config.py, else DIR/gradebook.db)")
    parser.add_argument("--attempts", metavar="DIR",
                        help="add predicted retention from trainees' attempts files (DIR/<trainee>.json)")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="the day retention is predicted from (default: today)")


def run(args: argparse.Namespace) -> int:
    from course.assignments.tags import course_tags
    from course.coursedir import Course
    from course.dates import parse_day
    from course.errors import MesocourseError
    from course.outputs import writable

    out = writable(args.out, "--out")
    if args.attempts and not Path(args.attempts).is_dir():
        raise MesocourseError(f"--attempts {args.attempts}: no such folder of attempts files")
    if args.date:
        parse_day(args.date, "--date")
    course = Course.open(args.course)
    course.gradebook(args.db)  # refused here, before the heavy imports, if it is not there

    from course.exam_record import exam_log_file, read_exam_log

    from .exam_log import exam_log_line, exam_log_table
    from .fairness import course_allocations
    from .gradesheets import grading_notes
    from .html import render
    from .scores import load_scores

    scores = load_scores(course, args.db)
    variants = course_allocations(course, scores.assignments, scores.students)
    exam_log = exam_log_table(read_exam_log(exam_log_file(course.root)))
    written = render(scores, course_tags(course), out, grading_notes(course), variants, exam_log)
    print(f"report: {written[0]} ({len(scores.students)} trainees); tables: {len(written) - 1} CSV files beside it")
    print(exam_log_line(exam_log))
    if args.attempts:
        from .retention import report_retention

        return report_retention(out, args.attempts, args.date)
    return 0
