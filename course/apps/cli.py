"""``mesocourse app``: serve the scenario modules and the spaced review with Voilà (see :mod:`course.apps`)."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from course.apps import APPS, REVIEW, app_folder


def voila_command(folder: Path, port: int, open_browser: bool) -> list[str]:
    command = [
        sys.executable, "-m", "voila", str(folder), f"--port={port}", "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.show_tracebacks=False",
    ]
    return command + ([] if open_browser else ["--no-browser"])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8866, help="port to serve on (default 8866)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument("--modules", nargs="+", default=list(APPS), metavar="NN",
                        help=f"modules to serve, and '{REVIEW}' for the spaced review (default: {' '.join(APPS)})")


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="mesocourse-apps-") as folder:
        copies = app_folder(Path(folder), tuple(args.modules))
        print(f"serving {', '.join(p.stem for p in copies)} at http://127.0.0.1:{args.port}/ (Ctrl-C stops)")
        return subprocess.call(voila_command(Path(folder), args.port, not args.no_browser))
