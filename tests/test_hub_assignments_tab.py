"""A trainee's server loads nbgrader's Assignments tab extensions when the tab first asks.

A real ``jupyter server`` configured with a trainee's server extensions
(:func:`course.hub.layout.server_extensions`), a real nbgrader exchange in a throwaway
folder with one released assignment, and the requests JupyterLab's Assignments tab sends.
The server's log says when nbgrader's extensions load: not at start, at the first request.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

import nbformat
import pytest
from browser_support import free_port, jupyter_call
from browser_support import server as jupyter

from course.hub.assignments_tab import ROUTES
from course.hub.layout import server_extensions

pytestmark = [pytest.mark.slow]
TOKEN = "assignments-tab-test"
COURSE = "tabcourse"
LOADING = "Loading the assignment_list nbgrader serverextension"


class Server:
    def __init__(self, url: str, log: Path) -> None:
        self.url, self.log = url, log

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        return jupyter_call(f"{self.url}{path}", TOKEN, method, body, timeout=120)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("assignments-tab")
    root, exchange, config = base / "home", base / "exchange", base / "config"  # config: throwaway_env's
    for folder in (root, config, exchange / COURSE / "outbound" / "ps1"):
        folder.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), exchange / COURSE / "outbound" / "ps1" / "ps1.ipynb")
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": server_extensions("trainee")}}))
    (config / "nbgrader_config.py").write_text(
        f"c.CourseDirectory.course_id = {COURSE!r}\nc.Exchange.root = {str(exchange)!r}\n"
        f"c.Exchange.path_includes_course = True\nc.Exchange.assignment_dir = {str(root)!r}\n")
    url = f"http://127.0.0.1:{free_port()}"
    with jupyter([sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={url.rsplit(':', 1)[1]}",
                  "--ip=127.0.0.1", f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={TOKEN}",
                  "--allow-root"], f"{url}/api/status?token={TOKEN}", base):
        yield Server(url, base / "server.log")


def test_the_routes_are_nbgraders_own() -> None:
    for extension, routes in ROUTES.items():
        own = [route for route, _ in import_module(f"nbgrader.server_extensions.{extension}.handlers").default_handlers]
        assert set(routes) <= set(own), extension
        assert set(own) - set(routes) <= {r"/nbgrader_version"}, extension  # served once, by assignment_list
    assert not any(name.startswith("nbgrader.") and on for name, on in server_extensions("trainee").items())


def test_nbgrader_loads_at_the_first_request_and_the_tab_lists_fetches_and_validates(server: Server) -> None:
    assert LOADING not in server.log.read_text(), "nbgrader loaded at start"
    status, courses = server.call("GET", "/courses")
    assert status == 200 and courses == {"success": True, "value": [COURSE]}, courses
    assert server.log.read_text().count(LOADING) == 1
    status, listed = server.call("GET", f"/assignments?course_id={COURSE}")
    assert status == 200 and [entry["assignment_id"] for entry in listed["value"]] == ["ps1"], listed
    status, fetched = server.call("POST", "/assignments/fetch", {"course_id": COURSE, "assignment_id": "ps1"})
    assert status == 200 and fetched["value"][0]["status"] == "fetched", fetched
    status, valid = server.call("POST", "/assignments/validate", {"path": f"{COURSE}/ps1/ps1.ipynb"})
    assert status == 200 and valid["success"] is True, valid
    assert server.call("GET", "/nbgrader_version?version=0")[1]["success"] is False  # nbgrader's own answer
    assert server.log.read_text().count(LOADING) == 1, "loaded once"
