"""Who is asking, and the frame of every page of the course service.

A page handler subclasses :class:`CoursePage` and names the course roles that may
open it in ``roles``. A person's roles come from their hub groups, as the course
server gives them (:class:`course.hub.state.HubSettings`): ``formgrade-COURSE`` is an
instructor, ``nbgrader-COURSE`` a trainee, ``assessors-COURSE`` an assessor and
``clinic-managers-COURSE`` a clinic manager; a person may hold several. Anyone else
logged in to the hub gets 403, and so does a person holding none of the page's roles.
"""

from __future__ import annotations

import html
import os
from typing import Any, ClassVar

from jupyterhub.services.auth import HubOAuthenticated
from tornado import web

from course.hub.roster import STAFF_ROLES
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


PAGES_OF_ROLES = (("clinic_manager", "clinic", "Clinic staff"), ("assessor", "assess", "Observations to complete"),
                  ("trainee", "observations", "Observed practice"), ("trainee", "my_feedback", "Your feedback"))
ROLE_ORDER = ("instructor", "clinic_manager", "assessor", "trainee")  # a person's first page: the first they hold


def roles_of(groups: list[str], state: HubState) -> tuple[str, ...]:
    """The person's course roles from their hub groups, in ``ROLE_ORDER``."""
    settings = state.settings()
    group_role = {settings.formgrade_group: "instructor", settings.trainee_group: "trainee",
                  **{settings.staff_group(role): role for role in STAFF_ROLES}}
    held = {group_role[group] for group in groups if group in group_role}
    return tuple(role for role in ROLE_ORDER if role in held)


class CoursePage(HubOAuthenticated, web.RequestHandler):
    """A page of the course service; ``roles`` says who may open it."""

    roles: ClassVar[frozenset[str]] = frozenset()

    def initialize(self, hub_auth: Any, state: HubState) -> None:
        self.hub_auth, self.state = hub_auth, state

    @property
    def person(self) -> dict[str, Any]:
        return self.current_user or {}

    @property
    def held_roles(self) -> tuple[str, ...]:
        return roles_of(list(self.person.get("groups", [])), self.state)

    @property
    def role(self) -> str | None:
        """The person's first role (``ROLE_ORDER``), or None."""
        return next(iter(self.held_roles), None)

    def prepare(self) -> None:
        """Log in through the hub, then check the person's roles against the page's."""
        if self.current_user is None:
            return  # @web.authenticated on the method sends them to the hub's login
        if not self.roles.intersection(self.held_roles):
            raise web.HTTPError(403, f"{self.person.get('name')} may not open this page")

    def registry_records(self) -> list[Any]:
        """The certification registry's records (``$MESOCOURSE_REGISTRY``, else the course's), read only and
        refused when tampered, as every command refuses it; none before anything was recorded."""
        from course.certification.checkpoints import open_guarded
        from course.coursedir import REGISTRY_ENV, registry_url

        course = self.state.course
        if not os.environ.get(REGISTRY_ENV) and not course.registry_file.exists():
            return []
        with open_guarded(registry_url(None, course), course, create=False, writer=False) as registry:
            return registry.records()

    def page(self, title: str, body: str) -> None:
        """Write a whole page: the course's bar, the title, the body (already HTML)."""
        grader = self.state.settings().grader_account
        links = [(f"{self.hub_auth.hub_prefix}home", "Hub home"),
                 (f"{self.hub_auth.hub_prefix}change-password", "Change password")]
        held = self.held_roles
        links = [*[(self.reverse_url(name), text) for role, name, text in PAGES_OF_ROLES if role in held], *links]
        if "instructor" in held:
            links = [(self.reverse_url("console"), "Instructor console"),
                     (self.reverse_url("exam_sessions"), "Exam sessions"),
                     (f"{self.hub_auth.hub_prefix}spawn/{grader}?next=/user/{grader}/formgrader", "Formgrader"),
                     *links]
        bar = "".join(f'<a href="{html.escape(href)}">{html.escape(text)}</a>' for href, text in links)
        self.finish(f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style></head><body>
<header><nav aria-label="course">{bar}</nav></header>
<main><h1>{html.escape(title)}</h1>
<p>Logged in as {html.escape(str(self.person.get('name')))} ({html.escape(', '.join(held).replace('_', ' '))}).
Training material, not clinical guidance.</p>
{body}</main></body></html>""")
