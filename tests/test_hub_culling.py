"""Giving memory back: the real jupyterhub-idle-culler, run by the hub, stops idle servers only.

A real hub with ``--cull-idle 0.5`` (30 s; servers then report activity every 7 s and the
culler looks every 7 s). Trainee A's server is left idle; trainee B's runs a long cell in a
kernel, with no request to the server meanwhile. The culler stops A's and spares B's; once
B's cell is interrupted, B's server is idle too and is stopped in its turn. Every account
and process is removed at the end (checked). Needs root; skips otherwise.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from hub_support import course_hub_left_clean, log_in_over_http, server_ready, wait_until

from course.hub.hub_api import HubAPI
from course.hub.state import HubSettings

pytestmark = [pytest.mark.hub, pytest.mark.slow]
PEOPLE = {"i": "Ines Tructor", "a": "Ann Idle", "b": "Bea Busy"}
MINUTES = 0.5


@pytest.fixture(scope="module")
def hub():
    from prerequisites import course_server_missing, require

    require(course_server_missing())
    with course_hub_left_clean(PEOPLE, settings=("--cull-idle", str(MINUTES))) as running:
        yield running


def start_server(hub, account: str) -> HubAPI:
    """Log in (choosing an own password), start the person's server and wait until it is ready;
    returns the server's API with a token of the person's."""
    log_in_over_http(hub, account)
    admin = HubAPI.for_state(hub.state)
    admin.call("POST", f"/users/{account}/server")
    wait_until(lambda: server_ready(hub, account), 240, f"{account}'s server ready")
    token = admin.call("POST", f"/users/{account}/tokens", {"note": "culling test"})["token"]
    return HubAPI(f"{hub.url}/user/{account}/api", token)


def start_cell(server: HubAPI, kernel_id: str, code: str) -> None:
    """Send a cell to a kernel through its websocket, as JupyterLab does, and leave it running."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    async def send() -> None:
        url = server.url.replace("http", "ws", 1) + f"/kernels/{kernel_id}/channels"
        socket = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {server.token}"}))
        header = {"msg_id": uuid.uuid4().hex, "msg_type": "execute_request", "username": "test",
                  "session": uuid.uuid4().hex, "version": "5.3", "date": ""}
        await socket.write_message(json.dumps({"header": header, "parent_header": {}, "metadata": {},
                                               "channel": "shell",
                                               "content": {"code": code, "silent": False, "store_history": False,
                                                           "user_expressions": {}, "allow_stdin": False}}))
        await asyncio.sleep(1)
        socket.close()

    # in a thread of its own: a browser test's event loop may be running in this worker's thread
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, send()).result()


def test_the_culler_stops_an_idle_server_and_spares_a_busy_one(hub):
    a, b = hub.account("a"), hub.account("b")
    timeout = HubSettings(cull_idle_minutes=MINUTES)
    assert hub.state.settings().cull_idle_minutes == timeout.cull_idle_minutes  # kept in hub.json
    start_server(hub, a)
    busy = start_server(hub, b)
    kernel = busy.call("POST", "/kernels", {"name": "python3", "path": ""})
    start_cell(busy, kernel["id"], "import time\ntime.sleep(600)")
    last_request = time.monotonic()

    waited = wait_until(lambda: not server_ready(hub, a), 180, f"the culler stopping idle {a}", every=1)
    assert waited >= MINUTES * 60 - 10  # not before the timeout (less the time B took to start)
    # B made no request since; only its busy kernel keeps it: wait out two more checks of the culler.
    time.sleep(max(0.0, MINUTES * 60 + 20 - (time.monotonic() - last_request)))
    assert server_ready(hub, b), "the culler stopped a server whose kernel was running a cell"
    assert "Culling server" in hub.log.read_text() and f"Culling server {b}" not in hub.log.read_text()

    busy.call("POST", f"/kernels/{kernel['id']}/interrupt")  # the cell ends: B is idle from now on
    wait_until(lambda: not server_ready(hub, b), 180, f"the culler stopping {b} once idle", every=1)


def test_the_hubs_own_database_commits_to_a_write_ahead_log(hub):
    """The hub's SQLite database in WAL mode (course/hub/hub_database.py): a commit does not wait for
    the disk, so twenty logins do not queue behind each other's fsync."""
    with sqlite3.connect(hub.state.private / "jupyterhub.sqlite") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("SELECT count(*) FROM users").fetchone()[0] >= 2  # the hub's, in use
