"""The Assignments tab's server side, loaded when the tab first asks, not when the server starts.

A trainee's server answers the Assignments tab with nbgrader's two trainee-side server
extensions, ``assignment_list`` (list, fetch, hand in, fetch feedback) and
``validate_assignment``. Importing them costs about a quarter of a lean trainee server's
start (0.35 of 1.4 CPU-seconds: nbgrader's gradebook loads SQLAlchemy's ORM, the
validator nbconvert), paid twenty times over when a class logs in at nine, before anyone
has opened the tab (docs/benchmarks.md, "The course server's start").

This extension registers nbgrader's routes with stand-in handlers and imports nothing of
nbgrader. The first request to any of them loads nbgrader's real extension through its
own ``load_jupyter_server_extension`` (which sets up its manager and adds its handlers,
behind these), and every request is then served by nbgrader's own handler class. The
routes are nbgrader's, checked against its ``default_handlers`` by tests/test_hub_assignments_tab.py.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from jupyter_server.utils import url_path_join
from tornado import httputil, web

# nbgrader's routes (``default_handlers`` of each extension's handlers module), without importing it
ROUTES: dict[str, tuple[str, ...]] = {
    "assignment_list": (r"/assignments", r"/assignments/(?P<action>fetch|submit|fetch_feedback)", r"/courses",
                        r"/nbgrader_version"),
    "validate_assignment": (r"/assignments/validate",),
}
LOADED = "mesocourse_nbgrader_handlers"  # web app setting: extension -> {route: nbgrader's handler class}


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "course.hub.assignments_tab"}]


def nbgrader_handlers(application: web.Application, extension: str) -> dict[str, type[web.RequestHandler]]:
    """nbgrader's handler class of each route of ``extension``, loading the extension the first time."""
    loaded = application.settings.setdefault(LOADED, {})
    if extension not in loaded:
        module = import_module(f"nbgrader.server_extensions.{extension}")
        module.load_jupyter_server_extension(application.settings["serverapp"])
        loaded[extension] = dict(import_module(f"{module.__name__}.handlers").default_handlers)
    return loaded[extension]


def stand_in(extension: str, route: str) -> type[web.RequestHandler]:
    """A handler class whose instances are nbgrader's handler for ``route`` (Tornado builds one per request)."""

    class StandIn(web.RequestHandler):
        def __new__(cls, application: web.Application, request: httputil.HTTPServerRequest,
                    **kwargs: Any) -> Any:
            return nbgrader_handlers(application, extension)[route](application, request, **kwargs)

    StandIn.__name__ = StandIn.__qualname__ = f"OnDemand_{extension}_{len(route)}"
    return StandIn


def _load_jupyter_server_extension(serverapp: Any) -> None:
    base_url = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(".*$", [(url_path_join(base_url, route), stand_in(extension, route))
                                           for extension, routes in ROUTES.items() for route in routes])
