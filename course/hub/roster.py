"""A roster: a CSV file with the columns ``id,name,email[,clinic]``, checked whole.

A staff roster (``hub add-staff``) has a ``role`` column too: ``assessor``,
``clinic_manager``, or both in one cell (``assessor;clinic_manager``: a person may
hold several roles). The optional ``clinic`` column says where a trainee or a
member of staff works: a clinic manager then sees their own clinic's staff only.

Every bad row is reported with its line number before anything is created, so a
roster is either enrolled entirely or not at all. An ``id`` becomes an
operating-system account, a JupyterHub user and an nbgrader student ID, so it
must be a safe account name: lower-case letters, digits, ``_`` and ``-``,
starting with a letter, at most 32 characters (no ``+``: nbgrader's exchange
uses it as a separator).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from course.errors import MesocourseError

ACCOUNT_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")
EMAIL = re.compile(r"[A-Za-z0-9.+_-]+@[A-Za-z0-9._-]+\.[A-Za-z]+")  # what NativeAuthenticator stores
COLUMNS = ("id", "name", "email", "clinic")
STAFF_ROLES = ("assessor", "clinic_manager")
ROLE_SEPARATORS = re.compile(r"[;|\s]+")


class RosterError(MesocourseError):
    """The roster cannot be enrolled; ``problems`` lists each bad line."""

    def __init__(self, path: Path, problems: list[str]):
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s), nobody was enrolled:\n  "
                         + "\n  ".join(problems))


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str = ""
    line: int = field(default=0, compare=False)  # in the roster; 0 when not from a roster
    clinic: str = ""
    roles: tuple[str, ...] = ()  # staff only: a subset of STAFF_ROLES

    @property
    def where(self) -> str:
        return f"line {self.line}: " if self.line else ""

    @property
    def first_last(self) -> tuple[str, str]:
        """nbgrader's first and last name: the last word is the last name."""
        first, _, last = self.name.rpartition(" ")
        return (first, last) if first else ("", last)


def account_problem(account: str) -> str | None:
    """Why ``account`` is not a safe account name, or None."""
    if not account:
        return "empty id"
    if not ACCOUNT_NAME.fullmatch(account):
        return (f"id {account!r} is not a valid account name (lower-case letters, digits, '_' or '-', "
                "starting with a letter, at most 32 characters)")
    return None


def person_problems(person: Person) -> list[str]:
    """What is wrong with one row (several may be)."""
    problems = [problem for problem in [account_problem(person.id)] if problem]
    if not person.name:
        problems.append("empty name")
    elif any(char in person.name for char in ",:\n\t") or not person.name.isprintable():
        problems.append(f"name {person.name!r} has characters an account record cannot hold (',', ':', tabs)")
    if person.email and not EMAIL.fullmatch(person.email):
        problems.append(f"email {person.email!r} is not an email address")
    if not person.clinic.isprintable():
        problems.append(f"clinic {person.clinic!r} has characters that cannot be shown")
    return problems


def staff_roles(cell: str) -> tuple[tuple[str, ...], list[str]]:
    """The roles a ``role`` cell names (``;``, ``|`` or spaces between them), and what is wrong with it."""
    named = [role for role in ROLE_SEPARATORS.split(cell.strip().lower()) if role]
    unknown = [role for role in named if role not in STAFF_ROLES]
    problems = [f"role {role!r} is not one of {', '.join(STAFF_ROLES)}" for role in unknown]
    if not named:
        problems.append(f"empty role (one or more of {', '.join(STAFF_ROLES)})")
    return tuple(role for role in STAFF_ROLES if role in named), problems


def read_roster(path: Path, staff: bool = False) -> list[Person]:
    """Every person of the roster (of staff: with their roles), or :class:`RosterError`
    naming each bad line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RosterError(path, [f"cannot be read: {error}"]) from error
    rows = csv.reader(text.splitlines())
    header = [column.strip().lower() for column in next(rows, [])]
    allowed, expected = (({*COLUMNS, "role"}, "id,name,email,role[,clinic]") if staff
                         else (set(COLUMNS), "id,name,email[,clinic]"))
    if header[:2] != ["id", "name"] or not set(header) <= allowed or (staff and "role" not in header):
        raise RosterError(path, [f"line 1: the header must be {expected} (found {','.join(header) or 'nothing'})"])
    people: list[Person] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}  # id -> the line it first appears on
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(f"line {line}: {len(row)} columns, the header has {len(header)}")
            continue
        fields = dict(zip(header, (cell.strip() for cell in row), strict=False))
        roles, role_problems = staff_roles(fields.get("role", "")) if staff else ((), [])
        person = Person(fields.get("id", ""), fields.get("name", ""), fields.get("email", ""), line,
                        fields.get("clinic", ""), roles)
        problems += [f"line {line}: {problem}" for problem in [*person_problems(person), *role_problems]]
        if person.id in first_line:
            problems.append(f"line {line}: id {person.id!r} already on line {first_line[person.id]}")
        first_line.setdefault(person.id, line)
        people.append(person)
    if problems:
        raise RosterError(path, problems)
    if not people:
        raise RosterError(path, [f"no {'member of staff' if staff else 'trainee'} in the roster"])
    return people
