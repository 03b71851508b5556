"""The ``mesocourse`` command: one sub-command per feature, each in its own module.

A feature module exposes ``add_arguments(parser)`` and ``run(args) -> int``; it
is imported only when its command is used, so ``mesocourse --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from course.startup import skip_unused_imports

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check-knowledge": ("course.knowledge.cli", "validate the knowledge base and summarise it"),
    "demo": ("course.demo.cli", "run the whole instructor pipeline on a synthetic cohort"),
    "report": ("course.report.cli", "write the cohort analytics report (HTML and CSV)"),
    "app": ("course.apps", "serve the scenario modules as Voila apps (no code shown)"),
    "standard-set": ("course.certification.commands.standard_set", "set pass marks by modified Angoff from judges' ratings"),
    "observe": ("course.certification.commands.observe", "record an observed procedure on the entrustment scale"),
    "certify": ("course.certification.commands.certify", "decide certification per trainee and issue certificates"),
    "verify": ("course.certification.commands.verify", "verify a certificate, or every record of the registry"),
    "expiring": ("course.certification.commands.expiring", "list certificates due for recertification"),
    "revoke": ("course.certification.commands.revoke", "revoke a certificate, with a reason"),
    "keys": ("course.certification.commands.keys", "create or rotate the issuer's signing keys for credentials and checkpoints"),
    "registry": ("course.certification.commands.registry_checkpoint", "print or export the registry's signed checkpoint"),
    "certification-export": ("course.certification.commands.export", "CSV export of certification for HR, Canvas or Moodle"),
    "release": ("course.assignments.release", "build the graded assignments' source/ notebooks and generate release/"),
    "grade": ("course.grading.cli", "grade every submission of an assignment, in parallel and resumably"),
    "feedback": ("course.grading.feedback_cli", "write HTML feedback per trainee, hidden tests removed"),
}


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the ``chosen`` command's module is imported (all when None)."""
    parser = argparse.ArgumentParser(
        prog="mesocourse",
        description="Mesotherapy training and competency toolkit "
        "(training material from cited sources, not clinical guidance).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if chosen is None or name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(command)
            command.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    skip_unused_imports()
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((arg for arg in argv if arg in COMMANDS), "")
    args = build_parser(chosen).parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
