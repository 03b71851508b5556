"""Backing up the course server's data, restoring it, and retiring accounts without leaking it.

``mesocourse hub backup --out FILE`` archives what the clinic must keep: the course
folder (gradebook, submissions, autograded work, feedback, reports, the exam log,
``certification/``: registry, certificates and the issuer's signing keys), the
exchange, ``hub.json`` and ``accounts.json``. The hub's own database, cookie secret
and tokens (``private/``) and people's homes are not in it: a restored course runs
under a new hub with newly enrolled people. The archive is root's only (0600): it
holds the clinic's private signing key.

``mesocourse hub restore FILE`` unpacks it into a hub folder that has no course yet,
gives the course to the folder's grader account and points the course's config at
its new place. ``remove-accounts`` first takes such a backup itself
(``private/retired-*.tar.gz``) and then makes every file of an account it removes
root's: a freed uid is handed to the next account created, which would otherwise
own the gradebook, the registry and the signing key.
"""

from __future__ import annotations

import os
import pwd
import re
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from course.errors import HubError

from .state import HubState

KEPT = ("course", "exchange", "hub.json", "accounts.json")
ROOT_LINE = re.compile(r"^c\.CourseDirectory\.root = .*$", re.MULTILINE)


class BackupError(HubError):
    """The backup or restore did nothing; the message says why."""


def backup(state: HubState, out: Path) -> Path:
    """Archive the hub folder's course data into ``out`` (a .tar.gz, root only); returns it."""
    if not state.exists():
        raise BackupError(f"{state.root} is not a course server's folder (no hub.json)")
    out = out.expanduser().resolve()
    if out.is_relative_to(state.root / "course") or out.is_relative_to(state.exchange):
        raise BackupError(f"{out}: the backup cannot go inside what it archives")
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(f".{out.name}.tmp")
    with open(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w:gz") as archive:
            for name in KEPT:
                if (state.root / name).exists():
                    archive.add(state.root / name, arcname=name)
    os.replace(temp, out)
    return out


def restore(state: HubState, archive_file: Path) -> list[str]:
    """Unpack a backup into ``state`` (which must hold no course yet); returns what came back.

    The course and its exchange folder become the grader account's (made if missing, as
    ``mesocourse hub`` would) and the course's config names its new folder."""
    from .layout import make_folders, make_grader_account

    if (state.course_dir / "nbgrader_config.py").exists():
        raise BackupError(f"{state.course_dir} already holds a course: restore into a new folder (--state DIR)")
    try:
        with tarfile.open(archive_file, "r:gz") as archive:
            names = archive.getnames()
            if "hub.json" not in names or "course" not in names:
                raise BackupError(f"{archive_file}: not a backup of mesocourse hub (no hub.json or course/)")
            members = _plain_members(archive, archive_file)
            state.root.mkdir(parents=True, exist_ok=True)
            archive.extractall(state.root, members=members)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive_file}: cannot be read as a backup: {error}") from error
    for name in {member.name.split("/")[0] for member in members}:  # root's, until given to the grader below
        for path in [state.root / name, *(state.root / name).rglob("*")]:
            os.lchown(path, 0, 0)
    make_folders(state)
    make_grader_account(state)
    settings = state.settings()
    grader = pwd.getpwnam(settings.grader_account)
    for top in (state.course_dir, state.exchange / settings.course_id):
        for path in [top, *top.rglob("*")] if top.exists() else []:
            os.lchown(path, grader.pw_uid, grader.pw_gid)
    config = state.course_dir / "nbgrader_config.py"
    config.write_text(ROOT_LINE.sub(f"c.CourseDirectory.root = {str(state.course_dir)!r}", config.read_text()))
    return sorted({name.split("/")[0] for name in names})


def _plain_members(archive: tarfile.TarFile, archive_file: Path) -> list[tarfile.TarInfo]:
    """The archive's files and folders, refused whole if any would land outside the folder
    or is a link or a device (what Python 3.12's ``filter="data"`` refuses)."""
    members = archive.getmembers()
    for member in members:
        parts = Path(member.name).parts
        if member.name.startswith("/") or ".." in parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"{archive_file}: {member.name!r} is not a plain file or folder of a backup")
    return members


def retirement_backup(state: HubState) -> Path:
    """The backup ``remove-accounts`` takes before it frees any uid."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return backup(state, state.private / f"retired-{stamp}.tar.gz")


def give_to_root(folder: Path, uids: set[int], gids: set[int]) -> int:
    """Make every file under ``folder`` owned by one of ``uids`` (or group ``gids``) root's;
    returns how many files changed."""
    changed = 0
    for path in [folder, *folder.rglob("*")]:
        info = path.lstat()
        if info.st_uid in uids or info.st_gid in gids:
            os.lchown(path, 0 if info.st_uid in uids else -1, 0 if info.st_gid in gids else -1)
            changed += 1
    return changed
