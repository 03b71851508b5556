"""Output paths checked before any work, so that a run that could not write its result writes nothing."""

from __future__ import annotations

import os
from pathlib import Path

from course.errors import MesocourseError


class OutputError(MesocourseError):
    """An output path (``--out``, a course folder to write into) that cannot be written."""


def writable(path: Path | str, option: str, *, folder: bool = False) -> Path:
    """``path`` (absolute) if it can be written as a file (or, with ``folder``, as a folder),
    creating nothing; :class:`OutputError` naming ``option`` and the reason otherwise."""
    target = Path(path).expanduser().absolute()
    if target.exists():
        if folder and not target.is_dir():
            raise OutputError(f"{option} {target}: not a folder")
        if not folder and target.is_dir():
            raise OutputError(f"{option} {target}: is a folder (give a file name)")
        if not os.access(target, os.W_OK):
            raise OutputError(f"{option} {target}: not writable")
        return target
    existing = next(parent for parent in target.parents if parent.exists())
    if not existing.is_dir():
        raise OutputError(f"{option} {target}: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {target}: the folder {existing} is not writable")
    return target
