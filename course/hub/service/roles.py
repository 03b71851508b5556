"""Who is asking, and the frame of every page of the course service.

A page handler subclasses :class:`CoursePage` and names the course roles that may
open it in ``roles``. A person's role comes from their hub groups, as the course
server gives them (:class:`course.hub.state.HubSettings`): ``formgrade-COURSE`` is an
instructor, ``nbgrader-COURSE`` a trainee. Anyone else logged in to the hub gets
403, and so does a person whose role the page does not name.
"""

from __future__ import annotations

import html
from typing import Any, ClassVar

from jupyterhub.services.auth import HubOAuthenticated
from tornado import web

from course.hub.state import HubState

PAGE_STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fff; line-height: 1.45; }
header { background: #1f3a5f; color: #fff; padding: .6em 1.2em; }
header a { color: #fff; margin-right: 1.2em; }
main { padding: 1em 1.2em; max-width: 72em; }
a { color: #1f5a8f; }
table { border-collapse: collapse; margin: .6em 0; }
th, td { border: 1px solid #8a8a8a; padding: .3em .6em; text-align: left; vertical-align: top; }
button { font-size: 1em; padding: .25em .8em; margin: .1em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f4f4; padding: .6em; }
.ok { color: #1e6b24; } .failed { color: #a31515; }
:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 1px; }
"""


def role_of(groups: list[str], state: HubState) -> str | None:
    """The person's course role from their hub groups: "instructor", "trainee", or None."""
    settings = state.settings()
    if settings.formgrade_group in groups:
        return "instructor"
    if settings.trainee_group in groups:
        return "trainee"
    return None


class CoursePage(HubOAuthenticated, web.RequestHandler):
    """A page of the course service; ``roles`` says who may open it."""

    roles: ClassVar[frozenset[str]] = frozenset()

    def initialize(self, hub_auth: Any, state: HubState) -> None:
        self.hub_auth, self.state = hub_auth, state

    @property
    def person(self) -> dict[str, Any]:
        return self.current_user or {}

    @property
    def role(self) -> str | None:
        return role_of(list(self.person.get("groups", [])), self.state)

    def prepare(self) -> None:
        """Log in through the hub, then check the person's role against the page's."""
        if self.current_user is None:
            return  # @web.authenticated on the method sends them to the hub's login
        if self.role not in self.roles:
            raise web.HTTPError(403, f"{self.person.get('name')} may not open this page")

    def page(self, title: str, body: str) -> None:
        """Write a whole page: the course's bar, the title, the body (already HTML)."""
        grader = self.state.settings().grader_account
        links = [(f"{self.hub_auth.hub_prefix}home", "Hub home"),
                 (f"{self.hub_auth.hub_prefix}change-password", "Change password")]
        if self.role == "instructor":
            links = [(self.reverse_url("console"), "Instructor console"),
                     (f"{self.hub_auth.hub_prefix}spawn/{grader}?next=/user/{grader}/formgrader", "Formgrader"),
                     *links]
        bar = "".join(f'<a href="{html.escape(href)}">{html.escape(text)}</a>' for href, text in links)
        self.finish(f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style></head><body>
<header><nav aria-label="course">{bar}</nav></header>
<main><h1>{html.escape(title)}</h1>
<p>Logged in as {html.escape(str(self.person.get('name')))} ({html.escape(self.role or '')}).
Training material, not clinical guidance.</p>
{body}</main></body></html>""")
