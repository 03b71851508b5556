"""The scenario modules and the spaced review as Voilà apps, for trainees who should not
see code (``mesocourse app``: :mod:`course.apps.cli`).

Voilà lists every notebook under the folder it serves, so the command copies just
the scenario modules into a throwaway folder and serves that, with code cells
hidden (Voilà's default) and tracebacks off.
"""

from __future__ import annotations

import shutil
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
