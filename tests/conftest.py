"""Shared test setup.

nbgrader runs the `alembic` command when it creates a gradebook, so the bin/
folder of the interpreter running the tests (the project's .venv) must be on PATH
even when pytest is started without `make`.

One headless Chromium per test process (``browser``): Playwright's sync API
allows one running instance per process, and xdist may put the JupyterLab and
the course-server browser tests in the same worker.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def browser():
    from browser_support import CHROMIUM_FLAGS, chromium_path
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
