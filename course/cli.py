"""The ``mesocourse`` command: one sub-command per feature, each in its own module.

One convention for every command: it is ``add_arguments(parser)`` and
``run(args) -> int`` in its feature's ``cli`` module, ``course/<feature>/cli.py``, or
for a feature with several commands ``course/<feature>/cli/<command>.py``, and it is
registered in :data:`COMMANDS`, the one table. A command's module is imported only
when it is used, so ``mesocourse --help`` stays fast.
Commands parse their arguments, call the feature's API and print; errors are
reported here, once, as one line on stderr with the exit status of the error
contract (:mod:`course.errors`): 0 success, 1 a check or verification said no,
2 bad input or usage (an unusable option, folder or file, one the system refuses
to read or write included), 3 tampering detected.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import NoReturn

from course.errors import BAD_INPUT, MesocourseError
from course.startup import skip_unused_imports

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check-knowledge": ("course.knowledge.cli", "validate the knowledge base and summarise it"),
    "demo": ("course.demo.cli", "run the whole instructor pipeline on a synthetic cohort"),
    "report": ("course.report.cli", "write the cohort analytics report (HTML and CSV)"),
    "build-notebooks": ("course.narrative.cli",
                        "write the module notebooks from their narrative files (--check: compare only)"),
    "app": ("course.apps.cli", "serve the scenario modules as Voila apps (no code shown)"),
    "standard-set": ("course.certification.cli.standard_set", "set pass marks by modified Angoff from judges' ratings"),
    "observe": ("course.certification.cli.observe", "record an observed procedure on the entrustment scale"),
    "certify": ("course.certification.cli.certify", "decide certification per trainee and issue certificates"),
    "verify": ("course.certification.cli.verify", "verify a certificate, or every record of the registry"),
    "expiring": ("course.certification.cli.expiring", "list certificates due for recertification"),
    "revoke": ("course.certification.cli.revoke", "revoke a certificate, with a reason"),
    "verifier": ("course.certification.cli.verifier",
                 "write the static certificate verification page (HTML + JavaScript)"),
    "keys": ("course.certification.cli.keys",
             "create or rotate the issuer's signing keys for credentials and checkpoints"),
    "registry": ("course.certification.cli.registry_checkpoint", "print or export the registry's signed checkpoint"),
    "certification-export": ("course.certification.cli.export", "CSV export of certification for HR, Canvas or Moodle"),
    "release": ("course.assignments.cli.release",
                "build the graded assignments' source/ notebooks and generate release/"),
    "variants": ("course.assignments.cli.variants", "list which variant of an assignment each trainee gets"),
    "grade": ("course.grading.cli.grade", "grade every submission of an assignment, in parallel and resumably"),
    "feedback": ("course.grading.cli.feedback", "write HTML feedback per trainee, hidden tests removed"),
    "hub": ("course.hub.cli", "run the course server (JupyterHub) and enrol instructors and trainees"),
}


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error in one line (then exit status 2, as argparse does)."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the ``chosen`` command's module is imported (all when None)."""
    parser = Parser(
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
    try:
        args = build_parser(chosen).parse_args(argv)
        return int(args._run(args) or 0)
    except MesocourseError as error:
        return _report(chosen, str(error), error.exit_code)
    except OSError as error:  # the system refused a path we were given: unwritable, missing, not a folder
        where = f"{error.filename}: " if error.filename else ""
        return _report(chosen, f"{where}{error.strerror or error}", BAD_INPUT)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _report(command: str, message: str, code: int) -> int:
    """Print an error as one line on stderr; return its exit status."""
    print(f"mesocourse {command}: error: {' '.join(message.split())}", file=sys.stderr)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
