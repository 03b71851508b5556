"""``mesocourse build-notebooks``: write the module notebooks from their narrative files.

With ``--check`` it writes nothing and exits 1 naming every notebook that differs
from its narrative (CI runs it, so committed notebooks never drift). A narrative
file that is missing or malformed exits 2, naming the file and the line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.errors import SAID_NO, MesocourseError
from course.paths import NOTEBOOKS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 naming every notebook that differs from its narrative")
    parser.add_argument("--notebooks", metavar="DIR", type=Path, default=NOTEBOOKS,
                        help="the notebooks folder, with its narrative/ files (default: the course's own notebooks/)")


def run(args: argparse.Namespace) -> int:
    from course import narrative

    folder: Path = args.notebooks
    if not folder.is_dir():
        raise MesocourseError(f"--notebooks {folder}: not a folder")
    if args.check:
        stale = narrative.stale(folder)
        if stale:
            names = ", ".join(path.name for path in stale)
            print(f"differ from their narrative (run mesocourse build-notebooks): {names}", file=sys.stderr)
            return SAID_NO
        print(f"notebooks in {folder}: every one matches its narrative")
        return 0
    written = narrative.write(folder)
    print(f"wrote {len(written)} notebook(s) in {folder}: {', '.join(p.name for p in written)}" if written
          else f"notebooks in {folder}: already up to date")
    return 0
