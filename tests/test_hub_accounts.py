"""Enrolling people on the course server with real operating-system accounts (root only).

No hub runs here: accounts, password records (NativeAuthenticator's table in a
real JupyterHub database), gradebook students and ``accounts.json``. Each test
removes every account it made, and checks it did.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hub_support import account_exists
from prerequisites import course_server_missing, require

from course.hub.accounts import EnrolmentError, enrol, enrolled, hub_database, remove_everyone
from course.hub.layout import make_folders, make_grader_account
from course.hub.password_hashes import outdated, password_matches
from course.hub.roster import Person
from course.hub.state import HubSettings, HubState

pytestmark = pytest.mark.hub
require(course_server_missing(need_proxy=False), module=True)  # accounts, and servers run as them (no hub here)


@pytest.fixture
def state():
    """A hub folder with its grader account and an empty course gradebook (no release needed)."""
    folder = Path(tempfile.mkdtemp(prefix="mesocourse-accounts-"))
    os.chmod(folder, 0o755)
    tag = secrets.token_hex(3)
    hub = HubState.at(folder / "hub")
    hub.root.mkdir()
    hub.save_settings(HubSettings(grader_account=f"g{tag}"))
    make_folders(hub)
    make_grader_account(hub)
    hub.course_dir.mkdir()
    (hub.course_dir / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "mesocourse"\nc.CourseDirectory.db_url = '
        '"sqlite:///gradebook.db"\n')
    yield hub
    made = [*enrolled(hub)["trainees"], *enrolled(hub)["instructors"], hub.settings().grader_account]
    remove_everyone(hub)
    assert [name for name in made if account_exists(name)] == []
    subprocess.run(["rm", "-rf", str(folder)], check=True)


def tag(state: HubState) -> str:
    """This test's random suffix (in the grader account's name), so accounts never collide."""
    return state.settings().grader_account[1:]


def people(state: HubState, *roles: str) -> list[Person]:
    return [Person(f"{role}{tag(state)}", f"{role.upper()} Example", f"{role}@example.org", line)
            for line, role in enumerate(roles, start=2)]


def students(state: HubState) -> dict[str, tuple[str, str, str]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{state.course_dir / 'gradebook.db'}") as gradebook:
        return {s.id: (s.first_name, s.last_name, s.email) for s in gradebook.students}


def test_enrolling_makes_locked_private_accounts_passwords_and_students(state: HubState):
    cohort = people(state, "ann", "bob")
    logins = enrol(state, cohort, "trainee")
    assert [login.person for login in logins] == cohort
    for login in logins:
        entry = pwd.getpwnam(login.person.id)
        home = Path(entry.pw_dir)
        assert home == state.home(login.person.id)
        assert home.stat().st_uid == entry.pw_uid and stat.S_IMODE(home.stat().st_mode) == 0o700
        assert entry.pw_shell.endswith("nologin")
        status = subprocess.run(["passwd", "-S", login.person.id], capture_output=True, text=True).stdout
        assert status.split()[1] == "L"
    from nativeauthenticator.orm import UserInfo

    with hub_database(state) as db:
        for login in logins:
            record = UserInfo.find(db, login.person.id)
            assert record.is_authorized and record.email == login.person.email
            assert record.password.startswith(b"$argon2id$") and not outdated(record.password)
            assert password_matches(login.password, record.password)
            assert not password_matches("not the password", record.password)
    assert students(state) == {p.id: (p.first_last[0], p.first_last[1], p.email) for p in cohort}
    assert set(enrolled(state)["trainees"]) == {p.id for p in cohort}
    assert stat.S_IMODE(state.private.stat().st_mode) == 0o700  # the hub database is root's alone


def test_enrolling_again_keeps_accounts_and_passwords(state: HubState):
    first = enrol(state, people(state, "ann"), "trainee")
    again = enrol(state, people(state, "ann", "bob"), "trainee")
    assert [login.person.id for login in again] == [f"bob{tag(state)}"]
    from nativeauthenticator.orm import UserInfo

    with hub_database(state) as db:
        assert password_matches(first[0].password, UserInfo.find(db, f"ann{tag(state)}").password)


def test_an_id_taken_by_another_account_refuses_the_whole_roster(state: HubState):
    stranger = f"x{tag(state)}"
    subprocess.run(["useradd", "--no-create-home", "--home-dir", "/nonexistent", stranger], check=True)
    try:
        cohort = [*people(state, "ann"), Person(stranger, "Stranger", "", 3), Person("root", "Root", "", 4)]
        with pytest.raises(EnrolmentError) as caught:
            enrol(state, cohort, "trainee")
        assert f"line 3: an account named '{stranger}' already exists" in str(caught.value)
        assert "line 4: an account named 'root' already exists" in str(caught.value)
        assert not account_exists(f"ann{tag(state)}") and enrolled(state)["trainees"] == {}
    finally:
        subprocess.run(["userdel", stranger], check=True)


def test_a_failure_halfway_undoes_everything_made(state: HubState):
    (state.course_dir / "gradebook.db").mkdir()  # the gradebook cannot be opened: fails after accounts exist
    with pytest.raises(EnrolmentError, match="nobody was enrolled"):
        enrol(state, people(state, "ann", "bob"), "trainee")
    assert not account_exists(f"ann{tag(state)}") and not account_exists(f"bob{tag(state)}")
    assert not state.home(f"ann{tag(state)}").exists()
    from nativeauthenticator.orm import UserInfo

    with hub_database(state) as db:
        assert UserInfo.find(db, f"ann{tag(state)}") is None
    assert enrolled(state)["trainees"] == {}


def test_one_person_cannot_be_both_instructor_and_trainee(state: HubState):
    enrol(state, people(state, "ina"), "instructor")
    with pytest.raises(EnrolmentError, match="already enrolled as instructor"):
        enrol(state, people(state, "ina"), "trainee")
    with pytest.raises(EnrolmentError, match="grader account"):
        enrol(state, [Person(state.settings().grader_account, "Grader", "")], "instructor")


def test_the_command_reports_bad_rows_by_line_and_creates_nobody(state: HubState, tmp_path: Path):
    roster = tmp_path / "roster.csv"
    roster.write_text(f"id,name,email\nann{tag(state)},Ann,\nBad Id,Someone,\nann{tag(state)},Twice,\n")
    done = subprocess.run([str(Path(sys.executable).parent / "mesocourse"), "hub", "add-trainees", str(roster),
                           "--state", str(state.root)], capture_output=True, text=True)
    assert done.returncode == 2  # bad input
    assert "line 3: id 'Bad Id' is not a valid account name" in done.stderr
    assert f"line 4: id 'ann{tag(state)}' already on line 2" in done.stderr
    assert not account_exists(f"ann{tag(state)}")


def add_trainees(state: HubState, roster: Path, *roles: str) -> subprocess.CompletedProcess:
    """``mesocourse hub add-trainees`` with a roster of ``roles``, as an administrator types it."""
    roster.write_text("id,name,email\n" + "".join(f"{role}{tag(state)},{role.title()} Example,\n" for role in roles))
    done = subprocess.run([str(Path(sys.executable).parent / "mesocourse"), "hub", "add-trainees", str(roster),
                           "--state", str(state.root)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done


def test_a_trainee_finds_a_welcome_page_of_their_own_and_keeps_their_edits(state: HubState, tmp_path: Path):
    from course.hub.welcome import WELCOME

    add_trainees(state, tmp_path / "roster.csv", "ann")
    ann = pwd.getpwnam(f"ann{tag(state)}")
    welcome = state.home(ann.pw_name) / WELCOME
    info = welcome.lstat()
    assert stat.S_ISREG(info.st_mode) and (info.st_uid, info.st_gid) == (ann.pw_uid, ann.pw_gid)
    assert stat.S_IMODE(info.st_mode) == 0o600
    text = welcome.read_text()
    assert text.startswith("# Welcome") and "No courses found." in text and "not clinical guidance" in text
    from course.hub.accounts import as_account

    as_account(ann.pw_name, ["sh", "-c", f"printf 'my notes' > {welcome}"], check=True)  # she edits it
    add_trainees(state, tmp_path / "roster.csv", "ann", "bob")  # the roster again, with a new row
    assert welcome.read_text() == "my notes" and welcome.stat().st_uid == ann.pw_uid
    assert (state.home(f"bob{tag(state)}") / WELCOME).stat().st_uid == pwd.getpwnam(f"bob{tag(state)}").pw_uid


def test_the_welcome_page_is_never_written_through_a_link_the_trainee_left(state: HubState, tmp_path: Path):
    from course.hub.accounts import as_account
    from course.hub.welcome import WELCOME, write_welcome

    add_trainees(state, tmp_path / "roster.csv", "ann")
    target = tmp_path / "roots-file"
    target.write_text("root's")
    welcome = state.home(f"ann{tag(state)}") / WELCOME
    as_account(f"ann{tag(state)}", ["ln", "-sf", str(target), str(welcome)], check=True)
    assert write_welcome(state, f"ann{tag(state)}") is False  # root writes nothing through her link
    assert target.read_text() == "root's" and welcome.is_symlink()


def hub_start(state: HubState, account: str | None = None, path: str | None = None) -> subprocess.CompletedProcess:
    argv = [str(Path(sys.executable).parent / "mesocourse"), "hub", "--state", str(state.root)]
    env = {**os.environ, **({"PATH": path} if path else {})}
    if account:
        from course.hub.accounts import as_account

        return as_account(account, argv, env=env, cwd="/", capture_output=True, text=True, timeout=120)
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)


def test_starting_without_root_is_refused_in_one_line(state: HubState):
    done = hub_start(state, account="nobody")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "must start as root" in done.stderr


def test_starting_without_node_says_so_in_one_line(state: HubState, tmp_path: Path):
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("useradd", "userdel", "pkill"):
        (tools / tool).symlink_to(shutil.which(tool))
    done = hub_start(state, path=str(tools))
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "Node.js is missing" in done.stderr and "apt-get install nodejs npm" in done.stderr
