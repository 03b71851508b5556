"""What a test needs from the machine or the folder it runs in, and what happens without it.

``make test`` must pass on a fresh clone, as root or not, in any folder. A test
that needs something this machine or folder lacks skips, and the reason names
what is missing and the command that provides it. Under ``CI=true`` the same
lack fails the test instead: CI must run everything.

Each ``*_missing`` function returns that one-line reason, or None when the
need is met; ``require`` turns a reason into the skip (or, under CI, the failure).
"""

from __future__ import annotations

import os
from glob import glob

import pytest


def under_ci() -> bool:
    """CI sets CI=true: there a missing prerequisite is a failure, not a skip."""
    return os.environ.get("CI") == "true"


def require(missing: str | None, *, module: bool = False) -> None:
    """Skip the calling test (or, with ``module``, the whole module) when ``missing`` names a lack; under CI, fail."""
    if missing is None:
        return
    if under_ci():
        pytest.fail(f"CI=true, so this test may not skip: {missing}", pytrace=False)
    pytest.skip(missing, allow_module_level=module)


def root_missing() -> str | None:
    if os.geteuid() == 0:
        return None
    return "needs root (it creates accounts or drops root's powers): run it as root, e.g. sudo make test"


def chromium_missing() -> str | None:
    from browser_support import chromium_path

    if chromium_path():
        return None
    return "Chromium is not installed: apt-get install chromium"


INITDB = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))  # Debian's layout, one folder per major version


def postgres_missing() -> str | None:
    if INITDB:
        return None
    return "PostgreSQL's server programs are not installed (/usr/lib/postgresql/*/bin): apt-get install postgresql"


def course_server_missing(need_proxy: bool = True) -> str | None:
    """Why the course server cannot run here (root, accounts' tools, folders others can enter, npm's proxy), or None.

    The hub's own preflight answers, so the tests skip for exactly the reasons the
    server would refuse to start, and its message names the command that fixes it
    (for a clone inside a private folder: ``chmod o+x`` on that folder).
    """
    from course.hub.preflight import problem

    reason = problem(need_proxy=need_proxy)
    return None if reason is None else f"the course server cannot run here: {reason}"
