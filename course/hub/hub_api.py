"""Talking to a running hub through its REST API, with the CLI's own service token.

``mesocourse hub add-trainees`` adds people to JupyterHub's groups here when the
hub is running (when it is not, the hub loads the groups from ``accounts.json``
as it starts). Only the standard library: the CLI must not need more.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from course.errors import HubError

from .state import HubState


class HubAPIError(HubError):
    """The hub answered with an error, or not at all while it was expected to."""


@dataclass(frozen=True)
class HubAPI:
    url: str  # .../hub/api
    token: str

    @classmethod
    def for_state(cls, state: HubState) -> HubAPI:
        settings = state.settings()
        host = "127.0.0.1" if settings.ip in ("", "0.0.0.0") else settings.ip
        token_file = state.token_file("admin")
        token = token_file.read_text().strip() if token_file.is_file() else ""
        return cls(f"http://{host}:{settings.port}/hub/api", token)

    @classmethod
    def for_this_service(cls) -> HubAPI:
        """The hub as a service it runs reaches it (the course service): the address and token JupyterHub
        gives it (``JUPYTERHUB_API_URL``, ``JUPYTERHUB_API_TOKEN``), with its own role's scopes."""
        try:
            return cls(os.environ["JUPYTERHUB_API_URL"].rstrip("/"), os.environ["JUPYTERHUB_API_TOKEN"])
        except KeyError as missing:
            raise HubAPIError(f"{missing.args[0]} is not set: not a service the hub runs") from None

    def call(self, method: str, path: str, body: dict | None = None, timeout: float = 30) -> dict | list | None:
        request = urllib.request.Request(
            self.url + path, method=method, data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            answer = error.read()[:300].decode(errors="replace")
            raise HubAPIError(f"{method} {path}: HTTP {error.code}: {answer}") from error
        except OSError as error:
            raise HubAPIError(f"{method} {path}: the hub at {self.url} did not answer: {error}") from error
        return json.loads(text) if text else None

    def model(self, path: str) -> dict:
        """A GET answered with a JSON object (a user, a group): the hub's model of it."""
        answer = self.call("GET", path)
        if not isinstance(answer, dict):
            raise HubAPIError(f"GET {path}: expected a JSON object, got {str(answer)[:200]}")
        return answer

    def running(self) -> bool:
        """Whether a hub answers on this address (with our token or not)."""
        try:
            self.call("GET", "/", timeout=5)
        except HubAPIError as error:
            return "HTTP" in str(error)
        return True

    def add_to_group(self, group: str, users: list[str]) -> None:
        """Create the users and the group where missing, then add the users to the group."""
        self.call_tolerating(409, "POST", "/users", {"usernames": users})  # 409: all of them exist already
        self.call_tolerating(409, "POST", f"/groups/{group}")  # 409: the group exists
        self.call("POST", f"/groups/{group}/users", {"users": users})

    def call_tolerating(self, status: int, method: str, path: str, body: dict | None = None) -> None:
        try:
            self.call(method, path, body)
        except HubAPIError as error:
            if f"HTTP {status}" not in str(error):
                raise

    def delete_users(self, users: list[str]) -> None:
        for user in users:
            self.call_tolerating(404, "DELETE", f"/users/{user}")

    def server_running(self, user: str) -> bool:
        answer = self.call("GET", f"/users/{user}")
        return isinstance(answer, dict) and bool(answer.get("server"))

    def restart_server(self, user: str, timeout: float = 120) -> bool:
        """Stop ``user``'s default server and start it again (its spawner chooses the profile anew);
        False when it was not running (nothing to do)."""
        if not self.server_running(user):
            return False
        self.call_tolerating(204, "DELETE", f"/users/{user}/server")
        deadline = time.monotonic() + timeout
        while self.server_running(user):
            if time.monotonic() > deadline:
                raise HubAPIError(f"the server of {user} did not stop within {timeout:.0f} s")
            time.sleep(0.5)
        self.call_tolerating(400, "POST", f"/users/{user}/server")  # 400: already starting
        return True
