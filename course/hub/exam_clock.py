"""The exam clock's source of truth: a Jupyter server extension of the exam profile.

A trainee's server in the exam profile (:mod:`course.hub.spawner`) starts with her exam
and her own end, extra time included, in its environment. ``GET /mesocourse/exam``
(:data:`ROUTE`, under the server's base URL; a logged-in request, like every API of her
server) answers ``{"assignment", "end", "now"}``: the course's JupyterLab extension
(``course/hub/lab/src/clock.ts``) counts down from it, on the server's clock rather than
the laptop's. A server without an exam answers 404, and the clock shows nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

ROUTE = "mesocourse/exam"
ASSIGNMENT_ENV = "MESOCOURSE_EXAM_ASSIGNMENT"
END_ENV = "MESOCOURSE_EXAM_END"


def exam_times(environ: Mapping[str, str]) -> dict[str, str] | None:
    """Her exam and her end (ISO, UTC) from the server's environment; None outside an exam."""
    end, assignment = environ.get(END_ENV), environ.get(ASSIGNMENT_ENV)
    if not end or not assignment:
        return None
    try:
        datetime.fromisoformat(end)
    except ValueError:
        raise ValueError(f"${END_ENV}: {end!r} is not an ISO date and time") from None
    return {"assignment": assignment, "end": end}


class ExamClockHandler(APIHandler):
    """Her exam's end, with the server's time now."""

    auth_resource = "api"

    @web.authenticated
    @authorized
    def get(self) -> None:
        times = exam_times(os.environ)
        if times is None:
            raise web.HTTPError(404, "no exam is in progress on this server")
        self.finish(json.dumps({**times, "now": datetime.now(UTC).isoformat(timespec="seconds")}))


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "course.hub.exam_clock"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    base = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(".*$", [(url_path_join(base, ROUTE), ExamClockHandler)])
