"""``mesocourse variants ASSIGNMENT --course DIR``: which variant each trainee gets.

Prints one line per trainee of the gradebook (and per ``--student``), ``ID variant
N of K``, then how many trainees each variant has. The variant is the one grading
uses: an HMAC of the course secret, the assignment and the trainee id
(``course.assignments.allocation``); K is what ``source/`` was built with.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from course.assignments import ASSIGNMENTS
from course.assignments.allocation import SecretMissing, course_variant, recorded_count
from course.coursedir import Course, sqlite_file
from course.errors import CourseError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", choices=ASSIGNMENTS, help="the assignment")
    parser.add_argument("--course", type=Path, default=Path("."), help="the nbgrader course directory (default: .)")
    parser.add_argument("--student", action="append", default=[], metavar="ID",
                        help="also (or, without a gradebook, only) this trainee id (repeatable)")


def trainees(course: Course) -> list[str]:
    """The gradebook's student ids, or none when the course has no gradebook yet."""
    from course.gradebook_tables import read_gradebook

    gradebook = sqlite_file(course.db_url)
    if gradebook is not None and not gradebook.is_file():
        return []
    return sorted(row[0] for row in read_gradebook(course.gradebook()).students)


def allocation(course: Course, assignment: str, ids: list[str]) -> tuple[int, dict[str, int]]:
    """(K, trainee id -> 0-based variant) for ``ids`` in ``course``."""
    source = course.source / assignment / f"{assignment}.ipynb"
    if not source.is_file():
        raise CourseError(f"{source}: no source notebook (run `mesocourse release --course {course.root}`)")
    count = recorded_count(source)
    try:
        return count, {trainee: course_variant(course, assignment, trainee, count) for trainee in ids}
    except SecretMissing as error:
        raise CourseError(str(error)) from None


def run(args: argparse.Namespace) -> int:
    course = Course.open(args.course)
    ids = list(dict.fromkeys([*trainees(course), *args.student]))
    if not ids:
        raise CourseError(f"{course.root}: no trainee in the gradebook; name some with --student ID")
    count, found = allocation(course, args.assignment, ids)
    width = max(len(trainee) for trainee in ids)
    for trainee, variant in found.items():
        print(f"{trainee:<{width}}  variant {variant + 1} of {count}")
    tally = Counter(found.values())
    print(f"{args.assignment}: {len(ids)} trainees over {count} variants: "
          + ", ".join(f"variant {v + 1}: {tally[v]}" for v in range(count)))
    return 0
