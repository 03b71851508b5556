"""One-time passwords: each expires, and the first login must replace it.

NativeAuthenticator keeps only a password hash; it has no expiry and no forced change.
The course keeps, per account whose password is still the one-time one, its expiry
in ``private/one-time-passwords.json`` (root only): written when an account is
enrolled, removed when the person chooses their own password. The hub's
authenticator (:mod:`course.hub.authenticator`) refuses an expired one-time
password, sends a first login to change-password and starts no server before.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .state import HubState, write_atomically

DEFAULT_DAYS = 7


def _file(state: HubState) -> Path:
    return state.private / "one-time-passwords.json"


def _pending(state: HubState) -> dict[str, str]:
    path = _file(state)
    return json.loads(path.read_text()) if path.is_file() else {}


def _save(state: HubState, pending: dict[str, str]) -> None:
    write_atomically(_file(state), json.dumps(pending, indent=2, sort_keys=True) + "\n", 0o600)


def record_one_time(state: HubState, account: str, days: int, now: datetime | None = None) -> datetime:
    """``account`` now has a one-time password valid for ``days`` days; returns when it expires."""
    if days < 1:
        raise ValueError(f"a one-time password must be valid for at least 1 day, not {days}")
    expires = (now or datetime.now(UTC)) + timedelta(days=days)
    _save(state, {**_pending(state), account: expires.isoformat(timespec="seconds")})
    return expires


def forget_one_time(state: HubState, account: str) -> None:
    """The person chose their own password (or the account is gone)."""
    pending = _pending(state)
    if pending.pop(account, None) is not None:
        _save(state, pending)


def one_time_status(state: HubState, account: str, now: datetime | None = None) -> str:
    """"own" (a password the person chose), "one-time" (still valid) or "expired"."""
    expires = _pending(state).get(account)
    if expires is None:
        return "own"
    return "expired" if (now or datetime.now(UTC)) >= datetime.fromisoformat(expires) else "one-time"
