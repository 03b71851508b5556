"""``mesocourse check-knowledge``: validate a knowledge base and summarise what it holds."""

from __future__ import annotations

import argparse
import sys
from collections import Counter


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", help="knowledge-base folder (default: the course's own)")


def run(args: argparse.Namespace) -> int:
    from course import knowledge

    try:
        kb = knowledge.load_from(args.data) if args.data else knowledge.load()
    except knowledge.KnowledgeError as error:
        print(f"invalid knowledge base: {error}", file=sys.stderr)
        return 1
    kinds = Counter(source.kind for source in kb.sources.values())
    print(f"knowledge base at {kb.directory}: valid")
    print(f"  sources: {kinds['seed']} seeds, {kinds['reference']} references")
    for name in ("areas", "ingredients", "indications", "protocols", "competencies"):
        print(f"  {name}: {len(getattr(kb, name))}")
    print(f"  screening rules: {len(kb.screening.rules)}; disputes: {len(kb.disputes.disputes)}")
    return 0
