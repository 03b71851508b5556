"""Backing up the course server, retiring its accounts, restoring it: real accounts (root only).

A hub folder with its grader account holds a certified course (issuer keys, registry,
a certificate), owned by the grader as ``mesocourse hub`` leaves it. ``hub backup``
archives it; ``remove-accounts`` takes its own backup, removes the accounts and leaves no
file owned by a freed uid; ``restore`` into a fresh folder gives a course whose registry
verifies and whose certificate can be revoked.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest
from certification_builders import Trainee, issuing_course
from hub_support import MESOCOURSE, account_exists, hub_command

from course.certification.registry import CERTIFICATE, Registry
from course.cli import main
from course.hub.layout import make_folders, make_grader_account, write_course_config
from course.hub.state import HubSettings, HubState
from course.paths import NBGRADER_CONFIG

pytestmark = pytest.mark.hub
if os.geteuid() != 0:
    pytest.skip("the course server's accounts are operating-system accounts: root only", allow_module_level=True)


@pytest.fixture
def folder():
    made = Path(tempfile.mkdtemp(prefix="mesocourse-backup-"))
    os.chmod(made, 0o755)
    yield made
    for state in (HubState.at(made / "hub"), HubState.at(made / "restored")):
        if state.exists():
            hub_command("remove-accounts", "--state", str(state.root), check=False)
    subprocess.run(["rm", "-rf", str(made)], check=True)


def certified_hub(folder: Path) -> HubState:
    """A hub folder whose course (the grader's, as the hub makes it) has issued a certificate."""
    state = HubState.at(folder / "hub")
    state.root.mkdir()
    state.save_settings(HubSettings(grader_account=f"g{secrets.token_hex(3)}"))
    make_folders(state)
    make_grader_account(state)
    issuing_course(state.course_dir, [Trainee("t1")])
    write_course_config(state.course_dir, NBGRADER_CONFIG.read_text())
    grader = pwd.getpwnam(state.settings().grader_account)
    for path in [state.course_dir, *state.course_dir.rglob("*")]:
        os.lchown(path, grader.pw_uid, grader.pw_gid)
    return state


def certificate_id(course: Path) -> str:
    with Registry(f"sqlite:///{course / 'certification' / 'registry.db'}", create=False) as registry:
        (record,) = registry.records(kind=CERTIFICATE)
    return record.certificate_id


def test_backup_retire_and_restore_keep_the_registry_verifiable_and_revocable(folder: Path):
    state = certified_hub(folder)
    grader = pwd.getpwnam(state.settings().grader_account)
    archive = folder / "kept" / "clinic.tar.gz"
    done = hub_command("backup", "--out", str(archive), "--state", str(state.root))
    assert str(archive) in done.stdout and stat.S_IMODE(archive.stat().st_mode) == 0o600

    retired = hub_command("remove-accounts", "--state", str(state.root))
    saved = next(Path(word) for word in retired.stdout.split() if word.endswith(".tar.gz"))
    assert saved.parent == state.private and saved.is_file()  # its own backup, printed
    assert not account_exists(grader.pw_name)
    left = [path for path in [state.root, *state.root.rglob("*")]
            if path.lstat().st_uid == grader.pw_uid or path.lstat().st_gid == grader.pw_gid]
    assert left == [], f"files still owned by the freed uid {grader.pw_uid}: {left[:5]}"
    assert (state.course_dir / "certification" / "registry.db").stat().st_uid == 0

    fresh = HubState.at(folder / "restored")
    done = subprocess.run([MESOCOURSE, "hub", "restore", str(archive), "--state", str(fresh.root)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    owner = pwd.getpwnam(fresh.settings().grader_account)
    assert (fresh.course_dir / "certification" / "registry.db").stat().st_uid == owner.pw_uid
    assert f"c.CourseDirectory.root = {str(fresh.course_dir)!r}" in (fresh.course_dir / "nbgrader_config.py").read_text()
    registry = f"sqlite:///{fresh.course_dir / 'certification' / 'registry.db'}"
    assert main(["verify", "--registry", registry]) == 0
    assert main(["revoke", certificate_id(fresh.course_dir), "--reason", "test of a restored registry",
                 "--course", str(fresh.course_dir), "--by", "Director"]) == 0
    assert main(["verify", "--registry", registry]) == 0  # the revocation is a valid record too

    again = subprocess.run([MESOCOURSE, "hub", "restore", str(archive), "--state", str(fresh.root)],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and "already holds a course" in again.stderr  # never over a course
    shutil.rmtree(state.private)  # the retirement backup holds the signing key: the test leaves none
