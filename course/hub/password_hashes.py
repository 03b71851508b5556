"""How the hub stores and checks passwords: Argon2id at OWASP's parameters, bcrypt read for older records.

NativeAuthenticator hashes with bcrypt at 12 rounds: about 0.24 CPU-seconds per check on
this project's machine, so a class of twenty logging in together spends 2.4 s of two
cores on password checks alone (docs/benchmarks.md, issue 29). The OWASP Password Storage
Cheat Sheet names Argon2id first, with ``m=19 MiB, t=2, p=1`` as a minimum configuration
(bcrypt at 10 rounds or more only where Argon2id is unavailable). Argon2id is memory-hard:
each guess costs an attacker 19 MiB as well as the time, which bcrypt's 4 KiB does not;
a check costs the hub about 0.02 CPU-seconds. ``argon2-cffi`` is already installed:
jupyter_server hashes its own passwords with it.

Records written before hold a bcrypt hash; they are still checked, and
:func:`outdated` says when a record should be hashed again (the login does so once the
password has been checked: :meth:`course.hub.authenticator.CourseAuthenticator.authenticate`).
"""

from __future__ import annotations

import bcrypt
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP Password Storage Cheat Sheet, Argon2id: "m=19456 (19 MiB), t=2, p=1"
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16,
                        type=Type.ID)
ARGON2ID = b"$argon2id$"


def hash_password(password: str) -> bytes:
    """The record to store for ``password`` (bytes: NativeAuthenticator's column is binary)."""
    return HASHER.hash(password).encode()


def password_matches(password: str, stored: bytes) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (an Argon2id or an older bcrypt record)."""
    if stored.startswith(ARGON2ID):
        try:
            return HASHER.verify(stored.decode(), password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        return bcrypt.checkpw(password.encode(), stored)
    except ValueError:  # neither an Argon2id nor a bcrypt record: it matches no password
        return False


def outdated(stored: bytes) -> bool:
    """Whether a record should be hashed again: bcrypt, or Argon2id at other parameters than :data:`HASHER`'s."""
    if not stored.startswith(ARGON2ID):
        return True
    try:
        return HASHER.check_needs_rehash(stored.decode())
    except InvalidHashError:
        return True
