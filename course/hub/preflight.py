"""What must hold before the hub starts, each refused in one line that says what to do."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from .proxy import missing_proxy
from .shared_python import unreachable_by_others


def problem(need_proxy: bool = True) -> str | None:
    """The first reason the hub cannot start (or enrol people) here, or None."""
    if sys.platform != "linux":
        return "the course server runs on Linux (one operating-system account per person)"
    if os.geteuid() != 0:
        return ("the course server must start as root: each person's server runs as their own account "
                "(sudo make hub, or sudo .venv/bin/mesocourse hub)")
    missing = next((tool for tool in ("useradd", "userdel", "pkill") if shutil.which(tool) is None), None)
    if missing:
        return f"{missing} is missing (Debian package passwd/procps)"
    package = Path(__file__).resolve().parents[1]  # the installed `course` package, imported by every server
    for needed in (Path(sys.executable), Path(sys.base_prefix), Path(sys.prefix), package):
        blocked = unreachable_by_others(needed)
        if blocked:
            return (f"{blocked} cannot be entered by other accounts, so trainees' servers cannot run "
                    f"{needed}: chmod o+x {blocked}, or rebuild .venv (make clean setup) on a Python outside it")
    return missing_proxy() if need_proxy else None
