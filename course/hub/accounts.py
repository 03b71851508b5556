"""Enrolling people: an operating-system account, a password, an nbgrader student, a hub group.

A person is, all at once:

* an operating-system account (locked password, no login shell, home
  ``STATE/home/ID`` with mode 0700), as which their Jupyter server runs, so
  nobody else's files, ``source/``, the gradebook or the registry are readable;
* a NativeAuthenticator password record in the hub database (Argon2id, :mod:`.password_hashes`), with a
  one-time password to change after the first login;
* for a trainee, a student in the course gradebook;
* a member of ``nbgrader-COURSE`` (trainees) or ``formgrade-COURSE``
  (instructors), in ``accounts.json`` (loaded by the hub as it starts) and, when
  the hub is running, through its REST API.

Assessors and clinic managers (:mod:`.staff`) are only the password and the groups:
they have no server, so no operating-system account, unless they are instructors too.

Enrolment is all or nothing: every step registers how to undo itself, and a
failure undoes what was done, so a failed roster leaves no half-made account.
"""

from __future__ import annotations

import io
import json
import os
import pwd
import secrets
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from course.errors import MesocourseError

from .passwords import forget_one_time, record_one_time
from .roster import Person, account_problem
from .state import HubState, write_atomically
from .welcome import write_welcome

NOLOGIN = next((shell for shell in ("/usr/sbin/nologin", "/sbin/nologin") if os.path.exists(shell)), "/bin/false")


class EnrolmentError(MesocourseError):
    """Nobody was enrolled; the message says why."""


@dataclass(frozen=True)
class FirstLogin:
    person: Person
    password: str  # one-time: printed once, stored only as an Argon2id hash
    expires: datetime  # after this, the one-time password is refused (course.hub.passwords)


# --- accounts.json ------------------------------------------------------------------------
KINDS = ("instructors", "trainees", "staff")


def enrolled(state: HubState) -> dict[str, dict[str, dict[str, Any]]]:
    """``{"instructors": {id: {name, email}}, "trainees": {id: {name, email[, clinic]}},
    "staff": {id: {name, email, roles, clinic}}}``."""
    records = json.loads(state.accounts_file.read_text()) if state.accounts_file.is_file() else {}
    return {kind: records.get(kind, {}) for kind in KINDS}


def save_enrolled(state: HubState, records: dict) -> None:
    write_atomically(state.accounts_file, json.dumps(records, indent=2, sort_keys=True) + "\n", 0o644)


# --- operating-system accounts ------------------------------------------------------------
def account_owner_problem(state: HubState, account: str) -> str | None:
    """Why ``account`` cannot be this hub's: it exists on the machine for something else."""
    try:
        entry = pwd.getpwnam(account)
    except KeyError:
        return None
    if Path(entry.pw_dir) == state.home(account):
        return None
    return f"an account named {account!r} already exists on this machine (home {entry.pw_dir}), not this hub's"


def create_os_account(state: HubState, account: str, comment: str) -> None:
    """A locked account with no login shell and a private home inside the hub folder."""
    home = state.home(account)
    subprocess.run(["useradd", "--no-create-home", "--home-dir", str(home), "--shell", NOLOGIN,
                    "--user-group", "--comment", comment, account], check=True, capture_output=True, text=True)
    entry = pwd.getpwnam(account)
    home.mkdir(mode=0o700, exist_ok=True)
    os.chown(home, entry.pw_uid, entry.pw_gid)
    os.chmod(home, 0o700)


def remove_os_account(state: HubState, account: str) -> None:
    """Remove one of this hub's accounts and its home; other accounts are never touched."""
    if account_owner_problem(state, account):
        raise EnrolmentError(account_owner_problem(state, account))
    try:
        pwd.getpwnam(account)
    except KeyError:
        return
    for _ in range(50):  # userdel refuses while a process of the account is still exiting
        if subprocess.run(["pkill", "-KILL", "-u", account], capture_output=True).returncode == 1:
            break  # 1: no process left
        time.sleep(0.1)
    result = subprocess.run(["userdel", account], capture_output=True, text=True)
    if result.returncode not in (0, 6):  # 6: no such user
        raise EnrolmentError(f"userdel {account}: {result.stderr.strip()}")
    shutil.rmtree(state.home(account), ignore_errors=True)


def as_account(account: str, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
    """Run a command as ``account`` (with its own groups only), as a Jupyter terminal of theirs would."""
    entry = pwd.getpwnam(account)
    env = {**os.environ, **kwargs.pop("env", {}), "HOME": entry.pw_dir, "USER": account, "LOGNAME": account}
    return subprocess.run(argv, user=entry.pw_uid, group=entry.pw_gid, extra_groups=[], env=env,
                          cwd=kwargs.pop("cwd", entry.pw_dir), **kwargs)


# --- passwords (NativeAuthenticator's table in the hub database) --------------------------
@contextmanager
def hub_database(state: HubState) -> Iterator:
    """A session on the hub database, made by JupyterHub's own ORM (creates or checks its schema)."""
    from jupyterhub import orm
    from nativeauthenticator.orm import UserInfo  # noqa: F401  (registers its table with JupyterHub's)

    state.private.mkdir(mode=0o700, parents=True, exist_ok=True)
    with redirect_stderr(io.StringIO()):  # alembic logs each step of stamping a new database
        session = orm.new_session_factory(state.hub_db_url)()
    try:
        yield session
    finally:
        session.close()


def set_password(state: HubState, person: Person, password: str) -> None:
    from nativeauthenticator.orm import UserInfo

    from .password_hashes import hash_password

    with hub_database(state) as db:
        record = UserInfo.find(db, person.id)
        hashed = hash_password(password)
        if record is None:
            db.add(UserInfo(username=person.id, password=hashed, is_authorized=True, email=person.email or None))
        else:
            record.password, record.is_authorized = hashed, True
        db.commit()


def remove_password(state: HubState, account: str) -> None:
    from nativeauthenticator.orm import UserInfo

    with hub_database(state) as db:
        record = UserInfo.find(db, account)
        if record is not None:
            db.delete(record)
            db.commit()


# --- gradebook students -------------------------------------------------------------------
def _gradebook_url(state: HubState) -> str:
    from course.coursedir import Course

    return Course.open(state.course_dir).db_url


def add_student(state: HubState, person: Person) -> None:
    from nbgrader.api import Gradebook

    first, last = person.first_last
    with Gradebook(_gradebook_url(state)) as gradebook:
        gradebook.update_or_create_student(person.id, first_name=first, last_name=last, email=person.email or None)


def remove_student(state: HubState, account: str) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(_gradebook_url(state)) as gradebook:
        try:
            gradebook.remove_student(account)
        except MissingEntry:
            pass


# --- enrolment, all or nothing ------------------------------------------------------------
class Undo:
    """Undo steps, run newest first when enrolment fails."""

    def __init__(self) -> None:
        self.steps: list[Callable[[], None]] = []

    def push(self, step: Callable[[], None]) -> None:
        self.steps.append(step)

    def run(self) -> list[str]:
        failures = []
        for step in reversed(self.steps):
            try:
                step()
            except Exception as error:  # keep undoing the rest
                failures.append(str(error))
        return failures


def enrol(state: HubState, people: list[Person], role: str) -> list[FirstLogin]:
    """Enrol ``people`` as ``role`` ("trainee" or "instructor"); returns the new people's first logins.

    People already enrolled in this hub keep their account and password (and are
    not in the result), so a roster can be run again after rows were added.
    """
    from .hub_api import HubAPI

    kind = {"trainee": "trainees", "instructor": "instructors"}[role]
    records = enrolled(state)
    settings = state.settings()
    taken = {settings.grader_account} | set(records["instructors"]) | set(records["trainees"])
    problems = [f"{person.where}{problem}" for person in people
                for problem in [account_problem(person.id), account_owner_problem(state, person.id)] if problem]
    problems += [f"{person.where}{person.id!r} is already enrolled as {other[:-1]}"
                 for other in ("instructors", "trainees") if other != kind
                 for person in people if person.id in records[other]]
    problems += [f"{person.where}{person.id!r} is already enrolled as staff (enrol instructors first, then add-staff)"
                 for person in people if person.id in records["staff"] and person.id not in records[kind]]
    problems += [f"{person.where}{person.id!r} is the course's grader account" for person in people
                 if person.id == settings.grader_account]
    if problems:
        raise EnrolmentError(f"{len(problems)} problem(s), nobody was enrolled:\n  " + "\n  ".join(problems))
    new = [person for person in people if person.id not in taken]
    api = HubAPI.for_state(state)
    undo = Undo()
    logins = []
    try:
        for person in new:
            create_os_account(state, person.id, f"mesocourse {role} {person.name}")
            undo.push(partial(remove_os_account, state, person.id))
            password = secrets.token_urlsafe(9)
            set_password(state, person, password)
            undo.push(partial(remove_password, state, person.id))
            expires = record_one_time(state, person.id, settings.password_days)
            undo.push(partial(forget_one_time, state, person.id))
            if role == "trainee":
                add_student(state, person)
                undo.push(partial(remove_student, state, person.id))
                write_welcome(state, person.id)  # in their home: removed with it on undo
            logins.append(FirstLogin(person, password, expires))
        if new and api.running():
            group = settings.trainee_group if role == "trainee" else settings.formgrade_group
            undo.push(lambda: api.delete_users([person.id for person in new]))
            api.add_to_group(group, [person.id for person in new])
        for person in people:
            records[kind][person.id] = {"name": person.name, "email": person.email,
                                        **({"clinic": person.clinic} if person.clinic else {})}
        save_enrolled(state, records)
    except Exception as error:
        failures = undo.run()
        detail = f" (and undoing failed: {'; '.join(failures)})" if failures else ""
        reason = getattr(error, "stderr", "") or error
        raise EnrolmentError(f"nobody was enrolled: {reason}{detail}") from error
    return logins


def remove_everyone(state: HubState) -> list[str]:
    """Remove every account this hub made (people and the grader); the hub must be stopped.

    Every file left in the hub folder by a removed account (the course: gradebook, registry,
    signing key) becomes root's: the next account the machine creates may get the freed uid."""
    from .backup import give_to_root

    records = enrolled(state)
    accounts = [*records["trainees"], *records["instructors"]]
    if state.exists():
        accounts.append(state.settings().grader_account)
    freed = [entry for entry in pwd.getpwall() if entry.pw_name in accounts]
    removed = []
    for account in accounts:
        remove_os_account(state, account)
        forget_one_time(state, account)
        removed.append(account)
    for account in records["staff"]:
        forget_one_time(state, account)  # no operating-system account: the hub database goes with the folder
    save_enrolled(state, {kind: {} for kind in KINDS})
    if state.root.is_dir():
        give_to_root(state.root, {entry.pw_uid for entry in freed}, {entry.pw_gid for entry in freed})
    return removed
