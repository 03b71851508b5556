"""``mesocourse certification-export --format hr|canvas|moodle``: CSV for HR or an LMS gradebook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..exports import FORMATS, write_export
from .common import add_day, add_registry, day, open_registry, reporting_errors


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", required=True, choices=FORMATS,
                        help="hr: certificate status per trainee; canvas/moodle: gradebook import files")
    parser.add_argument("--out", type=Path, metavar="FILE", help="CSV file to write (default: standard output)")
    add_day(parser, "status on this day (default: today)")
    add_registry(parser, writer=False)


@reporting_errors
def run(args: argparse.Namespace) -> int:
    with open_registry(args, create=False) as registry:
        records = registry.records()
    if args.out is None:
        write_export(args.format, records, day(args), sys.stdout)
        return 0
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        count = write_export(args.format, records, day(args), handle)
    print(f"wrote {args.format} export of {count} trainee(s) to {args.out}", file=sys.stderr)
    return 0
