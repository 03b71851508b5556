"""``mesocourse release``: build the source notebooks, then generate ``release/``
(see :mod:`course.assignments.release`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from course.argument_types import whole_number
from course.assignments.build import ASSIGNMENTS, load_assignment, write_formats, write_sources
from course.assignments.release import generate_release, install_exam_kernel, prepare_variants, releasable
from course.assignments.variant_report import release_lines
from course.assignments.variants import DEFAULT_SEED, DEFAULT_VARIANTS, load_variants
from course.coursedir import Course
from course.outputs import writable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", type=Path, default=Path("."), help="the nbgrader course directory (default: .)")
    parser.add_argument("--only", choices=ASSIGNMENTS, action="append", help="only this assignment (repeatable)")
    parser.add_argument("--skip-build", action="store_true", help="keep source/ as it is; only regenerate release/")
    parser.add_argument("--variants", type=whole_number(1, 1000), default=DEFAULT_VARIANTS, metavar="K",
                        help="variants drawn per assignment, one per trainee by an HMAC of the course secret "
                             f"(default: {DEFAULT_VARIANTS})")
    parser.add_argument("--seed", default=DEFAULT_SEED,
                        help="the seed the variants are drawn from (default: %(default)s)")


def run(args: argparse.Namespace) -> int:
    names = tuple(args.only or ASSIGNMENTS)
    course = releasable(Course.open(args.course))
    for folder in (course.source, course.release):
        writable(folder, "--course", folder=True)
    if not args.skip_build:
        for path in write_sources(course, names, args.variants, args.seed):
            print(f"built   {path}")
        for path in write_formats(names):  # check()'s formats, in the package: only when the case data changed
            print(f"formats {path}")
    print(f"secret  {prepare_variants(course, names)} (never release it: it decides each trainee's variant)")
    if any(load_assignment(name).exam for name in names):
        print(f"kernel  {install_exam_kernel()}")
    for path in generate_release(course, names):
        print(f"release {path}")
    for name in names:
        assignment = load_assignment(name)
        cells = ", ".join(f"{q.id} ({q.points:g})" for q in assignment.questions)
        print(f"{name}: {assignment.points:g} points in {len(assignment.questions)} grade cells: {cells}")
        for line in release_lines(load_variants(name, args.variants, args.seed)):
            print(line)
    return 0
