"""Backing up the course server, retiring its accounts, restoring it: real accounts (root only).

A hub folder with its grader account holds a certified course (issuer keys, registry,
a certificate), owned by the grader as ``mesocourse hub`` leaves it, and people enrolled
with ``add-instructor`` / ``add-trainees``, a trainee's submission in the exchange. ``hub
backup`` archives it (root only); ``remove-accounts`` takes its own backup, removes the accounts and leaves no
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
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from certification_builders import Trainee, issuing_course
from hub_support import MESOCOURSE, account_exists, hub_command, processes_of
from prerequisites import course_server_missing, require

from course.certification.registry import CERTIFICATE, Registry
from course.cli import main
from course.hub.accounts import as_account
from course.hub.layout import make_folders, make_grader_account, write_course_config
from course.hub.state import HubSettings, HubState
from course.paths import NBGRADER_CONFIG

pytestmark = pytest.mark.hub
# root, accounts' tools, and a checkout other accounts can enter: the hub's own preflight decides (as the
# other hub tests); without it `hub add-*` and `remove-accounts` would refuse and leave the grader account
require(course_server_missing(need_proxy=False), module=True)


@dataclass
class Retiring:
    """The test's throwaway folder and the random tag in every account it makes."""

    folder: Path
    tag: str

    def account(self, role: str) -> str:
        return f"{role}{self.tag}"


@pytest.fixture
def retiring():
    """A folder for the hub and its restored copy; afterwards every account made is gone
    (``remove-accounts``, whatever the test reached) and none of their processes runs."""
    made = Retiring(Path(tempfile.mkdtemp(prefix="mesocourse-backup-")), secrets.token_hex(3))
    os.chmod(made.folder, 0o755)
    yield made
    for state in (HubState.at(made.folder / "hub"), HubState.at(made.folder / "restored")):
        if state.exists():
            hub_command("remove-accounts", "--state", str(state.root), check=False)
    subprocess.run(["rm", "-rf", str(made.folder)], check=True)
    accounts = [made.account(role) for role in ("g", "i", "t")]
    assert [name for name in accounts if account_exists(name) or processes_of(name)] == [], "accounts left behind"


def certified_hub(retiring: Retiring) -> HubState:
    """A hub folder whose course (the grader's, as the hub makes it) has issued a certificate,
    with an instructor and a trainee enrolled, and the trainee's submission in the exchange."""
    state = HubState.at(retiring.folder / "hub")
    state.root.mkdir()
    state.save_settings(HubSettings(grader_account=retiring.account("g")))
    make_folders(state)
    make_grader_account(state)
    issuing_course(state.course_dir, [Trainee("t1")])
    write_course_config(state.course_dir, NBGRADER_CONFIG.read_text())
    grader = pwd.getpwnam(state.settings().grader_account)
    for path in [state.course_dir, *state.course_dir.rglob("*")]:
        os.lchown(path, grader.pw_uid, grader.pw_gid)
    common = ("--state", str(state.root))
    hub_command("add-instructor", retiring.account("i"), "--name", "Ines Tructor", *common)
    roster = retiring.folder / "roster.csv"
    roster.write_text(f"id,name,email\n{retiring.account('t')},Tia Rainee,\n")
    hub_command("add-trainees", str(roster), *common)
    inbound = state.exchange / state.settings().course_id / "inbound"
    as_account(grader.pw_name, ["sh", "-c", f"mkdir -p {inbound} && chmod 733 {inbound}"], check=True)
    hand_in = inbound / f"{retiring.account('t')}+screening+2026-12-07 10:00:00.000000 UTC"
    as_account(retiring.account("t"), ["sh", "-c", f"mkdir '{hand_in}' && echo '{{}}' > '{hand_in}/screening.ipynb'"],
               check=True)  # as nbgrader's submit leaves it: the trainee's
    return state


def certificate_id(course: Path) -> str:
    with Registry(f"sqlite:///{course / 'certification' / 'registry.db'}", create=False) as registry:
        (record,) = registry.records(kind=CERTIFICATE)
    return record.certificate_id


def test_backup_retire_and_restore_keep_the_registry_verifiable_and_revocable(retiring: Retiring):
    state = certified_hub(retiring)
    freed = [pwd.getpwnam(retiring.account(role)) for role in ("g", "i", "t")]
    archive = retiring.folder / "kept" / "clinic.tar.gz"
    done = hub_command("backup", "--out", str(archive), "--state", str(state.root))
    assert str(archive) in done.stdout
    assert archive.stat().st_uid == 0 and stat.S_IMODE(archive.stat().st_mode) == 0o600  # root's alone
    with tarfile.open(archive) as kept:
        names = kept.getnames()
    for wanted in ("course/gradebook.db", "course/certification/registry.db", "hub.json", "accounts.json"):
        assert wanted in names, f"{wanted} is not in the backup"
    assert any(name.endswith(".pem") for name in names), "the issuer's signing key is not in the backup"
    assert any(name.endswith("/screening.ipynb") and name.startswith("exchange/") for name in names)
    assert not any(name.startswith(("private/", "home/")) for name in names)  # hub secrets, people's homes

    retired = hub_command("remove-accounts", "--state", str(state.root))
    saved = next(Path(word) for word in retired.stdout.split() if word.endswith(".tar.gz"))
    assert saved.parent == state.private and saved.is_file()  # its own backup, printed
    assert [entry.pw_name for entry in freed if account_exists(entry.pw_name)] == []
    uids, gids = {entry.pw_uid for entry in freed}, {entry.pw_gid for entry in freed}
    left = [path for path in [state.root, *state.root.rglob("*")]
            if path.lstat().st_uid in uids or path.lstat().st_gid in gids]
    assert left == [], f"files still owned by a freed uid {sorted(uids)}: {left[:5]}"
    assert (state.course_dir / "certification" / "registry.db").stat().st_uid == 0

    fresh = HubState.at(retiring.folder / "restored")
    done = subprocess.run([MESOCOURSE, "hub", "restore", str(archive), "--state", str(fresh.root)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    owner = pwd.getpwnam(fresh.settings().grader_account)
    assert (fresh.course_dir / "certification" / "registry.db").stat().st_uid == owner.pw_uid
    config = (fresh.course_dir / "nbgrader_config.py").read_text()
    assert f"c.CourseDirectory.root = {str(fresh.course_dir)!r}" in config
    registry = f"sqlite:///{fresh.course_dir / 'certification' / 'registry.db'}"
    assert main(["verify", "--registry", registry]) == 0
    assert main(["revoke", certificate_id(fresh.course_dir), "--reason", "test of a restored registry",
                 "--course", str(fresh.course_dir), "--by", "Director"]) == 0
    assert main(["verify", "--registry", registry]) == 0  # the revocation is a valid record too

    again = subprocess.run([MESOCOURSE, "hub", "restore", str(archive), "--state", str(fresh.root)],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and "already holds a course" in again.stderr  # never over a course
    shutil.rmtree(state.private)  # the retirement backup holds the signing key: the test leaves none
