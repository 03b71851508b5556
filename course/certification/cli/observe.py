"""``mesocourse observe``: record an observed procedure on the entrustment scale."""

from __future__ import annotations

import argparse

from course.coursedir import registry_url
from course.knowledge import load

from ..observation import observation_payload, record_observations
from ..registry import display_url
from .common import add_day, add_registry, course_of, day


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


def run(args: argparse.Namespace) -> int:
    payload = observation_payload(args.trainee, args.procedure, args.assessor, args.entrustment, day(args), args.notes)
    course = course_of(args)
    url = registry_url(args.registry, course)
    [record] = record_observations(url, args.by, [payload], course=course)
    print(f"recorded observation of {payload['trainee']}: {payload['procedure']} at level {payload['entrustment']} "
          f"({payload['entrustment_name']}) on {payload['date']} by {payload['assessor']} "
          f"[registry record {record.seq}, {display_url(url)}]")
    return 0
