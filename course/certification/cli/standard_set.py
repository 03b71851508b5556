"""``mesocourse standard-set --angoff RATINGS.csv``: store modified-Angoff pass marks."""

from __future__ import annotations

import argparse
from pathlib import Path

from course.coursedir import Course
from course.knowledge import load

from ..decide import percent
from ..items import course_items
from ..registry import STANDARD_SET
from ..standard_setting import COLUMNS, angoff_payload
from .common import add_registry, open_registry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--angoff", required=True, type=Path, metavar="RATINGS.csv",
                        help=f"judges' ratings, columns {','.join(COLUMNS)} (estimate: share 0-1 of "
                        "minimally competent candidates who would earn the item's marks)")
    add_registry(parser, writer=True)


def run(args: argparse.Namespace) -> int:
    competencies = load().competencies
    payload = angoff_payload(args.angoff, course_items(Course.open(args.course), competencies))
    with open_registry(args, create=True) as registry, registry.transaction(args.by) as tx:
        record = tx.append(STANDARD_SET, payload)
    print(f"modified Angoff from {len(payload['judges'])} judge(s) ({', '.join(payload['judges'])}) "
          f"over {len(payload['item_cuts'])} item(s); stored as registry record {record.seq}; "
          "`mesocourse certify` now uses these cuts:")
    print(f"  {'competency':<16}{'Angoff cut':>12}{'fixed mark':>12}")
    for competency, cut in payload["competency_cuts"].items():
        print(f"  {competency:<16}{percent(cut):>12}{percent(competencies[competency].pass_mark):>12}")
    return 0
