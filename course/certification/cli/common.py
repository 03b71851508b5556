"""Options shared by the certification commands, and opening the registry they name."""

from __future__ import annotations

import argparse
import getpass
import os
from datetime import date
from pathlib import Path

from course.coursedir import REGISTRY_ENV, Course, registry_url
from course.dates import parse_day

from ..checkpoints import open_guarded
from ..registry import Registry, require_actor


def add_course(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", type=Path, default=Path("."), metavar="DIR",
                        help="nbgrader course directory (default: the current directory)")


def course_of(args: argparse.Namespace) -> Course:
    """The course --course names (not checked: the issuer's folder or a --registry may be all a command needs)."""
    return Course(Path(args.course).expanduser().resolve())


def add_registry(parser: argparse.ArgumentParser, *, writer: bool) -> None:
    """--course, --registry and, for commands that record, --by."""
    add_course(parser)
    parser.add_argument("--registry", metavar="URL",
                        help=f"registry: an SQLAlchemy URL or SQLite file (default: ${REGISTRY_ENV}, "
                        "else DIR/certification/registry.db)")
    if writer:
        parser.add_argument("--by", metavar="NAME", default=os.environ.get("MESOCOURSE_USER") or getpass.getuser(),
                            help="who records this, stored in every record (default: $MESOCOURSE_USER or your login)")


def add_day(parser: argparse.ArgumentParser, help_text: str, *, required: bool = False) -> None:
    parser.add_argument("--date", metavar="YYYY-MM-DD", required=required, help=help_text)


def day(args: argparse.Namespace) -> date:
    """The --date option, or today."""
    return parse_day(args.date, "--date") if args.date else date.today()


def open_registry(args: argparse.Namespace, *, create: bool) -> Registry:
    """The registry the options name, refused if tampered or if it disagrees with the
    issuer's signed checkpoint (``verify`` reports the details); writers sign checkpoints."""
    if getattr(args, "by", None) is not None:
        require_actor(args.by)
    course = course_of(args)
    return open_guarded(registry_url(args.registry, course), course, create=create,
                        writer=getattr(args, "by", None) is not None)
