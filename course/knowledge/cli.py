"""``mesocourse check-knowledge``: validate a knowledge base and summarise what it holds.

With ``--seeds DIR`` it also checks every seed quote against the seed articles in
``DIR`` (the shared ``seeds/`` folder), as the tests do.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from course.errors import SAID_NO, MesocourseError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", help="knowledge-base folder (default: the course's own)")
    parser.add_argument("--seeds", metavar="DIR", type=Path,
                        help="folder of the seed articles: check every quote against them")


def run(args: argparse.Namespace) -> int:
    from course import knowledge
    from course.knowledge import provenance

    if args.data and not Path(args.data).is_dir():
        raise MesocourseError(f"--data {args.data}: not a folder of knowledge-base YAML files")
    try:
        kb = knowledge.load_from(args.data) if args.data else knowledge.load()
    except knowledge.KnowledgeError as error:  # the check's answer: no
        print(f"invalid knowledge base: {error}", file=sys.stderr)
        return SAID_NO
    if args.seeds is not None:
        if not args.seeds.is_dir():
            raise MesocourseError(f"--seeds {args.seeds}: no seeds folder there")
        texts = provenance.read_seeds(args.seeds, kb.sources.values())
        problems = provenance.all_quote_problems(kb.files, texts)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"{len(problems)} quote problem(s) against {args.seeds}", file=sys.stderr)
            return SAID_NO
    kinds = Counter(source.kind for source in kb.sources.values())
    print(f"knowledge base at {kb.directory}: valid")
    print(f"  sources: {kinds['seed']} seeds, {kinds['reference']} references")
    for name in ("areas", "ingredients", "indications", "protocols", "competencies"):
        print(f"  {name}: {len(getattr(kb, name))}")
    print(f"  screening rules: {len(kb.screening.rules)}; disputes: {len(kb.disputes.disputes)}")
    if args.seeds is not None:
        print(f"  every seed quote found in {args.seeds}")
    return 0

