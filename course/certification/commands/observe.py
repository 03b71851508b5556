"""``mesocourse observe``: record an observed procedure on the entrustment scale."""

from __future__ import annotations

import argparse
from datetime import date

from course.knowledge import load

from ..errors import CertificationError
from ..registry import OBSERVATION
from .common import add_day, add_registry, day, open_registry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    framework = load().certification
    parser.add_argument("trainee", metavar="TRAINEE", help="the trainee's ID (as in the gradebook)")
    parser.add_argument("--procedure", required=True,
                        help="observed procedure: " + ", ".join(p.id for p in framework.observed_practice))
    parser.add_argument("--assessor", required=True, metavar="NAME", help="the named assessor who observed")
    parser.add_argument("--entrustment", required=True, type=int, metavar="N", help="entrustment level: " + ", ".join(
        f"{e.level} {e.name}" for e in framework.entrustment_scale))
    add_day(parser, "the day the procedure was observed", required=True)
    parser.add_argument("--notes", default="", help="free-text notes (optional)")
    add_registry(parser, writer=True)


def _checked(args: argparse.Namespace) -> dict[str, object]:
    """The observation payload; every field checked against the framework."""
    framework = load().certification
    procedures = [p.id for p in framework.observed_practice]
    top = len(framework.entrustment_scale)
    if args.procedure not in procedures:
        raise CertificationError(f"--procedure: unknown procedure '{args.procedure}' (known: {', '.join(procedures)})")
    if not 1 <= args.entrustment <= top:
        raise CertificationError(f"--entrustment: {args.entrustment} is not on the entrustment scale (1-{top})")
    for option, value in (("TRAINEE", args.trainee), ("--assessor", args.assessor)):
        if not value.strip():
            raise CertificationError(f"{option}: empty")
    observed = day(args)
    if observed > date.today():
        raise CertificationError(f"--date: {observed} is in the future")
    return {
        "trainee": args.trainee.strip(), "procedure": args.procedure, "assessor": args.assessor.strip(),
        "entrustment": args.entrustment, "entrustment_name": framework.level_name(args.entrustment),
        "date": observed.isoformat(), "notes": args.notes.strip(),
    }


def run(args: argparse.Namespace) -> int:
    payload = _checked(args)
    with open_registry(args, create=True) as registry, registry.transaction(args.by) as tx:
        record = tx.append(OBSERVATION, payload, trainee=str(payload["trainee"]))
    print(f"recorded observation of {payload['trainee']}: {payload['procedure']} at level {payload['entrustment']} "
          f"({payload['entrustment_name']}) on {payload['date']} by {payload['assessor']} "
          f"[registry record {record.seq}, {registry.display_url}]")
    return 0
