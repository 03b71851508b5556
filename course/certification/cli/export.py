"""``mesocourse certification-export --format hr|canvas|moodle``: CSV for HR or an LMS gradebook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.outputs import writable

from ..exports import FORMATS, write_export
from .common import add_day, add_registry, day, open_registry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", required=True, choices=FORMATS,
                        help="hr: certificate status per trainee; canvas/moodle: gradebook import files")
    parser.add_argument("--out", type=Path, metavar="FILE", help="CSV file to write (default: standard output)")
    add_day(parser, "status on this day (default: today)")
    add_registry(parser, writer=False)


def run(args: argparse.Namespace) -> int:
    on = day(args)
    out = writable(args.out, "--out") if args.out is not None else None
    with open_registry(args, create=False) as registry:
        records = registry.records()
    if out is None:
        write_export(args.format, records, on, sys.stdout)
        return 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        count = write_export(args.format, records, on, handle)
    print(f"wrote {args.format} export of {count} trainee(s) to {out}", file=sys.stderr)
    return 0
