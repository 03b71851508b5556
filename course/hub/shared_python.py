"""Which Python to build ``.venv`` on, so that other accounts can run it (stdlib only).

The course server runs each person's Jupyter server from ``.venv`` as that
person's own account, and a virtual environment runs its base interpreter's
files: a ``python3`` inside a private folder (pyenv under ``/root``, mode 0700)
cannot start for them. ``make setup`` runs this file as a script: it prints
the first ``python3`` on ``PATH`` when every folder above it can be entered by
other accounts, else Debian's ``/usr/bin/python3`` when that is 3.11 or newer,
else the first one anyway (the hub then says what to change).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path


def unreachable_by_others(path: Path) -> Path | None:
    """The first folder on the way to ``path`` that other accounts cannot enter, or None."""
    path = Path(os.path.realpath(path))
    for folder in [*reversed(path.parents), path]:
        if folder.is_dir() and not os.stat(folder).st_mode & stat.S_IXOTH:
            return folder
    return None


def base_interpreter(python: str) -> Path:
    """The real file a ``python3`` command runs."""
    out = subprocess.run([python, "-c", "import os, sys; print(os.path.realpath(sys.executable))"],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def recent_enough(python: str) -> bool:
    return subprocess.run([python, "-c", "import sys, venv; sys.exit(sys.version_info < (3, 11))"],
                          capture_output=True).returncode == 0


def choose() -> str:
    first = shutil.which("python3") or sys.executable
    if unreachable_by_others(base_interpreter(first)) is None:
        return first
    debian = "/usr/bin/python3"
    if Path(debian).exists() and recent_enough(debian) and unreachable_by_others(base_interpreter(debian)) is None:
        return debian
    return first


if __name__ == "__main__":
    print(choose())
