"""``mesocourse certify --course DIR``: decide every trainee; certificates for the certified.

The work is :func:`course.certification.cohort_certification.certify_cohort`; this command reads
the options and prints each outcome with every reason, then a summary.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from course.coursedir import Course, registry_url

from ..cohort_certification import CertificationOutcome, certify_cohort, tally
from ..errors import CertificationError
from ..issuing import course_issuer
from ..registry import display_url
from .common import add_day, add_registry, day


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_registry(parser, writer=True)
    parser.add_argument("--db", metavar="URL",
                        help="gradebook URL (default: the course's, as nbgrader finds it: db_url in "
                        "DIR/nbgrader_config.py, else DIR/gradebook.db)")
    add_day(parser, "decision and issue day (default: today)")
    parser.add_argument("--out", type=Path, metavar="FOLDER",
                        help="where certificates are written (default: DIR/certification/certificates)")
    parser.add_argument("--accept-outside-session", action="append", default=[], metavar="TRAINEE",
                        help="accept TRAINEE's exam result although it was handed in outside an exam session "
                        "(a course served by the course server requires them); needs --reason, recorded in the "
                        "registry with --by and the time (repeat for several trainees)")
    parser.add_argument("--reason", metavar="TEXT",
                        help="why the exam results of --accept-outside-session are accepted")


def _print(outcome: CertificationOutcome) -> None:
    print("\n".join(outcome.lines()), flush=True)


def run(args: argparse.Namespace) -> int:
    on = day(args)
    if args.reason is not None and not args.accept_outside_session:
        raise CertificationError("--reason: only with --accept-outside-session TRAINEE (whose exam result it accepts)")
    course = Course.open(args.course)
    url = registry_url(args.registry, course)
    accept = dict.fromkeys(args.accept_outside_session, args.reason or "")
    outcomes = certify_cohort(course, url, by=args.by, on=on, db=args.db, out=args.out, progress=_print,
                              accept_outside=accept, notice=print)
    issuer = course_issuer(course)
    if issuer is None:
        print("no issuer keys: certificates have no signed credential (run `mesocourse keys init` first)")
    else:
        print(f"signed credentials, status list {issuer.status_list_file} and checkpoint {issuer.checkpoint_file}")
    print(f"{tally(outcomes)} ({display_url(url)})")
    return 0
