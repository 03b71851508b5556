"""Shared test setup.

nbgrader runs the `alembic` command when it creates a gradebook, so the bin/
folder of the interpreter running the tests (the project's .venv) must be on PATH
even when pytest is started without `make`.

One headless Chromium per test process (``browser``): Playwright's sync API
allows one running instance per process, and xdist may put the JupyterLab and
the course-server browser tests in the same worker. ``page`` is a fresh tab in it;
``voila`` serves the scenario apps (one server per test process, shared by the
browser and accessibility tests).

Test files are collected in an order that keeps both cores busy (:func:`pytest_collection_modifyitems`):
with ``--dist loadfile`` each file goes whole to the next free worker, in the order collected.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
os.environ.setdefault("MPLBACKEND", "Agg")


def course_server_first(marks: set[str]) -> int:
    """Among the course server's files, its whole scenarios (exam ends, restarts) first."""
    return 0 if "long" in marks else 1


def others_first(marks: set[str]) -> int:
    """Among the other files, whole pipelines first, then the browser's, then the rest."""
    return 0 if "long" in marks else 1 if "browser" in marks else 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """One course-server file, then two others, and so on (each file's own order kept).

    The course server's files mostly wait (servers starting, exam clocks, the idle culler); with
    three workers on two cores, one of them waiting and two computing keeps both cores busy, where
    the alphabetical order ran all nineteen ``test_hub_*`` files together, the cores half idle."""
    marks: dict[str, set[str]] = {}
    for item in items:
        marks.setdefault(item.nodeid.split("::")[0], set()).update(mark.name for mark in item.iter_markers())
    hub = sorted((file for file in marks if "hub" in marks[file]), key=lambda file: course_server_first(marks[file]))
    other = sorted((file for file in marks if "hub" not in marks[file]), key=lambda file: others_first(marks[file]))
    order: list[str] = []
    while hub or other:
        order += hub[:1] + other[:2]
        hub, other = hub[1:], other[2:]
    place = {file: number for number, file in enumerate(order)}
    items.sort(key=lambda item: place[item.nodeid.split("::")[0]])


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
