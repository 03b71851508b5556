"""The course service's process: its routes, and the Tornado server JupyterHub starts.

JupyterHub runs ``python -m course.hub.service`` as the grader account with
``JUPYTERHUB_SERVICE_URL`` (where to listen), ``JUPYTERHUB_SERVICE_PREFIX``
(``/services/course/``), its API token and OAuth settings, and
``MESOCOURSE_HUB_STATE`` (the hub folder). ``/services/course/`` sends each person to
their page: instructors to the console, clinic managers to their clinic's staff,
trainees to their feedback.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from urllib.parse import urlparse

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler
from tornado import web

from course.hub.spawner import course_environment
from course.hub.state import HubState

from . import clinic, console, exam_reports, exam_sessions, my_feedback, observations
from .jobs import JobRunner
from .roles import CoursePage

FIRST_PAGE = {"instructor": "console", "clinic_manager": "clinic", "assessor": "assess", "trainee": "my_feedback"}


class Home(CoursePage):
    roles = frozenset(FIRST_PAGE)

    @web.authenticated
    def get(self) -> None:
        self.redirect(self.reverse_url(FIRST_PAGE[self.role or "trainee"]))


def make_app(state: HubState, prefix: str) -> web.Application:
    """Every page of the course service under ``prefix``."""
    context = {"hub_auth": HubOAuth.instance(), "state": state}
    env = {**os.environ, **course_environment(state, "grader")}
    runner = JobRunner(env, str(state.course_dir))
    handlers = [web.url(prefix, Home, context, name="home"),
                web.url(prefix + "oauth_callback", HubOAuthCallbackHandler),
                *console.routes(prefix, {**context, "runner": runner}),
                *my_feedback.routes(prefix, context),
                *clinic.routes(prefix, context),
                *observations.routes(prefix, context),
                *exam_reports.routes(prefix, context),
                *exam_sessions.routes(prefix, context)]
    return web.Application(handlers, cookie_secret=secrets.token_bytes(32), xsrf_cookies=True)


def serve(app: web.Application) -> None:
    """Serve ``app`` where JupyterHub says (``JUPYTERHUB_SERVICE_URL``) until it stops the
    service; each request is logged to the hub's log."""
    from tornado.log import enable_pretty_logging

    enable_pretty_logging()
    address = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])

    async def listen() -> None:
        app.listen(address.port or 80, address.hostname or "127.0.0.1")
        await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):  # how JupyterHub stops it (SIGINT, then SIGTERM)
        asyncio.run(listen())


def main() -> None:
    """The course service, as JupyterHub runs it."""
    state = HubState.at(os.environ["MESOCOURSE_HUB_STATE"])
    serve(make_app(state, os.environ["JUPYTERHUB_SERVICE_PREFIX"]))
