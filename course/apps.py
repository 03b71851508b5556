"""``mesocourse app``: the scenario modules and the spaced review as Voilà apps, for
trainees who should not see code.

Voilà lists every notebook under the folder it serves, so the command copies just
the scenario modules into a throwaway folder and serves that, with code cells
hidden (Voilà's default) and tracebacks off.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from course.errors import MesocourseError
from course.paths import NOTEBOOKS

SCENARIO_MODULES = ("03", "04", "06", "07", "08")
REVIEW = "review"  # the spaced-review app (course.review.app), served beside the modules
APPS = (*SCENARIO_MODULES, REVIEW)


def app_folder(target: Path, modules: tuple[str, ...] = APPS, notebooks: Path = NOTEBOOKS) -> list[Path]:
    """Copy the notebooks of ``modules`` (and write the review app) into ``target``; return them."""
    copies = []
    for module in modules:
        if module == REVIEW:
            from course.review import app

            copies.append(app.write(target))
            continue
        matches = sorted(notebooks.glob(f"{module}_*.ipynb"))
        if not matches:
            raise MesocourseError(f"--modules: no notebook for module {module} in {notebooks}")
        copies.append(Path(shutil.copy2(matches[0], target / matches[0].name)))
    return copies


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
