"""``mesocourse expiring --within 60d``: who needs recertification soon (or already)."""

from __future__ import annotations

import argparse

from course.dates import parse_period
from course.knowledge import load

from ..history import due_for_recertification
from .common import add_day, add_registry, day, open_registry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--within", metavar="PERIOD",
                        help="e.g. 60d or 8w (default: the framework's recertification window)")
    add_day(parser, "count from this day (default: today)")
    add_registry(parser, writer=False)
    parser.add_argument("--attempts", metavar="DIR",
                        help="trainees' attempts files (DIR/<trainee>.json): list each one's competencies "
                        "with the lowest predicted retention at expiry")


def run(args: argparse.Namespace) -> int:
    within = parse_period(args.within) if args.within else load().certification.recertification.window_days
    on = day(args)
    with open_registry(args, create=False) as registry:
        due = due_for_recertification(registry.records(), on, within)
    print(f"{len(due)} trainee(s) need recertification within {within} days of {on} (revoked certificates not listed):")
    refresh = None
    if args.attempts:
        from course.review.retention import RefreshList

        refresh = RefreshList(args.attempts, on)
    for certificate in due:
        days = (certificate.expires - on).days
        if days > 0:
            when = f"expires {certificate.expires} (in {days} days)"
        else:
            when = f"expired {certificate.expires} ({-days} days ago)"
        print(f"  {certificate.trainee:<16} {certificate.record.data['name']:<28} {certificate.id}  {when}")
        if refresh is not None:
            print(f"    {refresh.line(certificate.trainee, certificate.expires)}")
    return 0
