"""The ``mesocourse`` command: one sub-command per feature, each in its own module.

A feature module exposes ``add_arguments(parser)`` and ``run(args) -> int``; it
is imported only when its command is used, so ``mesocourse --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check-knowledge": ("course.knowledge.cli", "validate the knowledge base and summarise it"),
    "grade": ("course.grading.cli", "grade every submission of an assignment, in parallel and resumably"),
    "feedback": ("course.grading.feedback_cli", "write HTML feedback per trainee, hidden tests removed"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mesocourse",
        description="Mesotherapy training and competency toolkit "
        "(training material from cited sources, not clinical guidance).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
