"""The hub's own SQLite database commits without waiting for the disk each time.

Profiling twenty logins at once (``benchmarks/hub_load.py --profile``, docs/benchmarks.md)
found the hub's one thread busy for 19 of 21 seconds, most of it in SQLite's commit: JupyterHub
commits on its event loop after every login, spawn, token and activity report, and each commit
in SQLite's default journal mode syncs the database and its journal to disk, so every trainee's
login waited for the disk in turn. In write-ahead-log mode with ``synchronous=NORMAL`` a commit
appends to the log and is synced at checkpoints: the database stays consistent through a crash
or a power cut (SQLite's guarantee for WAL with NORMAL); a power cut may lose the last commits
before it (a login, an activity time), which JupyterHub redoes (a trainee logs in again).
Exam sessions and the course's records are not in this database. PostgreSQL (``--db-url``) is
left as it is.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def commit_without_waiting(dbapi_connection: Any, _record: Any) -> None:
    """On each new SQLite connection: write-ahead log, synced at checkpoints, not at every commit."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def use_write_ahead_log() -> None:
    """For every SQLite engine this process creates from now on (the hub's own database)."""
    if not event.contains(Engine, "connect", commit_without_waiting):
        event.listen(Engine, "connect", commit_without_waiting)
