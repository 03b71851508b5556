"""The hub's login: NativeAuthenticator, with the course's one-time passwords (:mod:`.passwords`).

- an expired one-time password is refused, with a message saying to ask for a new one;
- a login with the one-time password goes to change-password (whatever page was asked
  for), the spawn page sends such a person there too, and no server starts (by any
  route) before the person has chosen their own password;
- choosing one ends the one-time password;
- assessors and clinic managers who are not instructors have no server: the spawn page
  (where a login lands) sends them to the course service's pages, and no server starts.
- passwords are stored as Argon2id and checked off the hub's event loop (:mod:`.password_hashes`,
  :meth:`CourseAuthenticator.authenticate`); a bcrypt record from before is hashed again at its
  next successful login.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from jupyterhub.handlers import BaseHandler, pages
from nativeauthenticator import NativeAuthenticator
from nativeauthenticator.handlers import LoginHandler as NativeLoginHandler
from nativeauthenticator.orm import UserInfo
from tornado import web
from traitlets import Unicode

from .accounts import enrolled
from .password_hashes import hash_password, outdated, password_matches
from .passwords import forget_one_time, one_time_status
from .state import HubState

STAFF_PAGES = "/services/course/"

# NativeAuthenticator's own pages (change-password asks for the current one) check a record with
# bcrypt only: they check it as the login does, Argon2id or bcrypt.
UserInfo.is_valid_password = lambda record, password: password_matches(password, record.password)
EXPIRED = "Your one-time password has expired: ask your course administrator for a new one."


class LoginHandler(NativeLoginHandler):
    """NativeAuthenticator's login page; a one-time password leads to change-password first."""

    def get_next_url(self, user: Any = None, default: Any = None) -> str:
        if user is not None and self.authenticator.must_change(user.name):
            return self.hub.base_url + "change-password"
        return super().get_next_url(user, default)

    async def _render(self, login_error: str | None = None, username: str | None = None) -> Any:
        if login_error and username and self.authenticator.status(username) == "expired":
            login_error = EXPIRED
        return await super()._render(login_error=login_error, username=username)


class SpawnHandler(pages.SpawnHandler):
    """JupyterHub's spawn page; a person still on their one-time password is sent to
    change-password instead (the authenticator's ``pre_spawn_start`` refuses any other way)."""

    async def _first_change_password(self, page: Any, *args: Any) -> None:
        current = self.current_user
        if current is not None and self.authenticator.must_change(current.name):
            self.redirect(self.hub.base_url + "change-password")
            return
        if current is not None and self.authenticator.server_less(current.name):
            self.redirect(STAFF_PAGES)
            return
        result = page(*args)  # JupyterHub's get() hands back its coroutine (or None after a login redirect)
        if inspect.isawaitable(result):
            await result

    async def get(self, user_name: str | None = None, server_name: str = "") -> None:
        await self._first_change_password(super().get, user_name, server_name)

    async def post(self, user_name: str | None = None, server_name: str = "") -> None:
        await self._first_change_password(super().post, user_name, server_name)


class CourseAuthenticator(NativeAuthenticator):
    """NativeAuthenticator with expiring one-time passwords that must be changed at first login."""

    state_folder = Unicode(config=True, help="the hub folder (see course.hub.state)")

    @property
    def hub_state(self) -> HubState:
        return HubState.at(self.state_folder)

    def status(self, username: str) -> str:
        return one_time_status(self.hub_state, username)

    def must_change(self, username: str) -> bool:
        return self.status(username) == "one-time"

    async def authenticate(self, handler: BaseHandler, data: dict) -> Any:
        """NativeAuthenticator's check (authorized, password, 2FA, blocking after failed attempts), with
        the password compared in a thread (:func:`.password_hashes.password_matches`: on the hub's
        event loop a check made every other login, spawn and page wait; Argon2id and bcrypt release
        the GIL while they hash). A bcrypt record is replaced by an Argon2id one once it has matched."""
        username = self.normalize_username(data.get("username", ""))
        if self.status(username) == "expired":
            self.log.warning("%s: one-time password expired, login refused", username)
            return None
        user = self.get_user(username)
        if user is None or (self.allowed_failed_logins and self.is_blocked(username)):
            return None
        password, stored = data.get("password", ""), user.password
        checks = [user.is_authorized, await asyncio.to_thread(password_matches, password, stored)]
        if user.has_2fa:
            checks.append(user.is_valid_token(data.get("2fa")))
        if all(checks):
            if outdated(stored):
                user.password = await asyncio.to_thread(hash_password, password)
                self.db.commit()
            self.successful_login(username)
            return username
        self.add_login_attempt(username)
        return None

    def change_password(self, username: str, new_password: str) -> Any:
        """NativeAuthenticator's change (a known person, a strong enough password), stored as Argon2id;
        the one-time password ends."""
        user = self.get_user(username)
        if user is None or not self.is_password_strong(new_password):
            return None
        user.password = hash_password(new_password)
        self.db.commit()
        forget_one_time(self.hub_state, username)
        return True

    def server_less(self, username: str) -> bool:
        """Staff (assessor, clinic manager) who are not instructors: no server, no account to run one."""
        people = enrolled(self.hub_state)
        return username in people["staff"] and username not in people["instructors"]

    async def pre_spawn_start(self, user: Any, spawner: Any) -> None:
        if self.must_change(user.name):
            raise web.HTTPError(403, "Choose your own password first (Change password, in the bar): "
                                     "no server starts on a one-time password.")
        if self.server_less(user.name):
            raise web.HTTPError(403, f"Assessors and clinic managers have no server: your pages are at {STAFF_PAGES}")

    def get_handlers(self, app: Any) -> list:
        """NativeAuthenticator's pages with the course's login, and the spawn page first
        (the authenticator's handlers come before JupyterHub's own)."""
        native = [(path, LoginHandler if path == r"/login" else handler) for path, handler in super().get_handlers(app)]
        spawn = [(path, SpawnHandler) for path in (r"/spawn", r"/spawn/([^/]+)", r"/spawn/([^/]+)/([^/]+)")]
        return native + spawn
