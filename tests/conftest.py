"""Shared test setup.

nbgrader runs the `alembic` command when it creates a gradebook, so the bin/
folder of the interpreter running the tests (the project's .venv) must be on PATH
even when pytest is started without `make`.

One headless Chromium per test process (``browser``): Playwright's sync API
allows one running instance per process, and xdist may put the JupyterLab and
the course-server browser tests in the same worker. ``page`` is a fresh tab in it;
``voila`` serves the scenario apps (one server per test process, shared by the
browser and accessibility tests).
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


@pytest.fixture
def page(browser, request):
    from browser_support import TIMEOUT_MS, shot

    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    shot(page, f"final-{request.node.name}")  # the last state, whether the test passed or not
    context.close()


@pytest.fixture(scope="session")  # session: xdist may interleave modules
def voila(tmp_path_factory):
    """Voilà serving the scenario apps, as `make app` does: yields a notebook's URL."""
    from browser_support import free_port, server

    from course.apps import app_folder

    home = tmp_path_factory.mktemp("voila")
    (home / "apps").mkdir()
    app_folder(home / "apps")
    port = free_port()
    command = [sys.executable, "-m", "voila", str(home / "apps"), f"--port={port}", "--no-browser",
               "--Voila.ip=127.0.0.1", "--VoilaConfiguration.show_tracebacks=False"]
    with server(command, f"http://127.0.0.1:{port}/", home):
        yield lambda name: f"http://127.0.0.1:{port}/voila/render/{name}"
