"""The instructor console's exam sessions: open, see and close them without typing a command.

One page (``/services/course/console/exams``) does what ``mesocourse hub exam open``,
``status`` and ``close`` do, with the same functions (:mod:`course.hub.exam_controls`):
an instructor opens (or schedules) a session of a released exam for a hub group, with extra
time per trainee, sees every session not closed with each trainee's end and state, and
closes one after a confirmation step (it ends everyone's exam and hands their notebooks in).
Each action restarts the trainees' running servers through the hub with the service's own
token, is logged in the exam log as the CLI's is, and says what it did or why it was refused.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable

from tornado import web

from course.hub.exam_controls import ExamAction, close_exam, open_exam
from course.hub.exams import (
    ExamSessionError,
    SessionStatus,
    current_session,
    exam_groups,
    released_exams,
    session_status,
)
from course.hub.hub_api import HubAPI, HubAPIError

from .roles import CoursePage

# the field each refusal names by its CLI option, marked invalid on the form
FIELD_OF_OPTION = {"--minutes": "minutes", "--group": "group", "--extra-time": "extra_time", "--start": "start"}
# the outcome, announced: focused once the page loads (a live region is read only when it changes)
FOCUS_OUTCOME = "<script>document.querySelector('#exam-outcome, #exam-error')?.focus();</script>"


def refusal_of(error: ExamSessionError | HubAPIError) -> str:
    """A refusal (nothing written) or the hub's error (what was written is in the table), in words."""
    if isinstance(error, ExamSessionError):
        return f"Refused: {error}"
    return f"The hub answered with an error (the sessions below are what was written): {error}"


class ExamSessionsPage(CoursePage):
    roles = frozenset({"instructor"})

    @web.authenticated
    async def get(self) -> None:
        await self.show()

    @web.authenticated
    async def post(self) -> None:
        """Open an exam session from the form (the page again, with what was done or refused)."""
        asked = {name: self.get_body_argument(name, "").strip()
                 for name in ("assignment", "minutes", "group", "extra_time", "start")}
        hub = HubAPI.for_this_service()
        try:
            if not asked["minutes"].isdigit():
                raise ExamSessionError(f"--minutes {asked['minutes']!r}: say how long the exam lasts, in whole minutes")
            done = await asyncio.to_thread(open_exam, self.state, hub, asked["assignment"], int(asked["minutes"]),
                                           asked["group"] or None, asked["extra_time"].split(), asked["start"] or None)
        except (ExamSessionError, HubAPIError) as error:
            self.set_status(400)
            await self.show(refusal=refusal_of(error), asked=asked)
            return
        await self.show(done=done)

    async def show(self, done: ExamAction | None = None, refusal: str = "",
                   asked: dict[str, str] | None = None) -> None:
        """The page: what was just done (or refused), every session not closed, the form to open one."""
        hub, asked = HubAPI.for_this_service(), asked or {}
        try:
            groups = await asyncio.to_thread(exam_groups, self.state, hub)
        except HubAPIError as error:
            groups = [self.state.settings().trainee_group]
            refusal = refusal or f"The hub did not list its groups (only every trainee is offered): {error}"
        said = ('<div role="status" id="exam-outcome" tabindex="-1"><p>Done:</p><ul>'
                + "".join(f"<li>{html.escape(line)}</li>" for line in done.said) + "</ul></div>") if done else ""
        if refusal:
            said = f'<p role="alert" id="exam-error" class="failed" tabindex="-1">{html.escape(refusal)}</p>'
        invalid = next((field for option, field in FIELD_OF_OPTION.items()
                        if refusal.startswith(f"Refused: {option}")), "")
        statuses = session_status(self.state)
        self.page("Exam sessions", f"""{said}
<p>Each action does what <code>mesocourse hub exam open</code>, <code>status</code> and <code>close</code> do:
it restarts the running servers of the trainees concerned, so they change profile at once, and goes to the
exam log.</p>
<h2>Sessions not closed</h2>
{"".join(self._session(status) for status in statuses) or "<p id='no-session'>No exam session open.</p>"}
<h2>Open an exam session</h2>
{self._open_form(groups, asked, invalid)}{FOCUS_OUTCOME if said else ""}""")

    def _session(self, status: SessionStatus) -> str:
        rows = "".join(f'<tr><th scope="row">{html.escape(t.trainee)}</th><td>{html.escape(t.end)}</td>'
                       f'<td>{f"+{t.extra_minutes} min" if t.extra_minutes else "none"}</td><td>{t.state}</td></tr>'
                       for t in status.trainees)
        name = status.session.assignment
        return (f'<table><caption>{html.escape(status.heading)}</caption><thead><tr><th scope="col">trainee</th>'
                f'<th scope="col">ends (UTC)</th><th scope="col">extra time</th><th scope="col">state</th></tr>'
                f'</thead><tbody>{rows}</tbody></table>'
                f'<p><a href="{self.reverse_url("exam_close", name)}">Close the exam session of {html.escape(name)}'
                "&hellip;</a></p>")

    def _open_form(self, groups: list[str], asked: dict[str, str], invalid: str) -> str:
        exams = released_exams(self.state)
        if not exams:
            return "<p>No exam assignment is released yet: release it from the console first.</p>"

        def options(values: list[str], chosen: str, label: Callable[[str], str] = str) -> str:
            return "".join(f'<option value="{html.escape(v)}"{" selected" if v == chosen else ""}>'
                           f"{html.escape(label(v))}</option>" for v in values)

        def marks(field: str) -> str:
            return ' aria-invalid="true" aria-describedby="exam-error"' if field == invalid else ""

        everyone = self.state.settings().trainee_group
        return f"""<form method="post" action="{self.reverse_url("exam_sessions")}" novalidate>{self.xsrf_form_html()}
<fieldset><legend>New exam session</legend>
<p><label for="exam-assignment">Exam</label>
<select id="exam-assignment" name="assignment">{options(exams, asked.get("assignment", ""))}</select></p>
<p><label for="exam-minutes">Minutes</label>
<input id="exam-minutes" name="minutes" type="number" min="1" step="1" required
 value="{html.escape(asked.get("minutes", ""))}"{marks("minutes")}></p>
<p><label for="exam-group">Group</label>
<select id="exam-group" name="group"{marks("group")}>{options(groups, asked.get("group", everyone),
    lambda g: f"Every trainee ({g})" if g == everyone else g)}</select></p>
<p><label for="exam-extra">Extra time (an accommodation), one trainee a line: ID=MINUTES</label><br>
<textarea id="exam-extra" name="extra_time" rows="3" cols="28" aria-describedby="exam-extra-hint"{marks("extra_time")}>
{html.escape(asked.get("extra_time", ""))}</textarea><br><span id="exam-extra-hint">For example t042=30. Each
trainee's end is her own: the session's minutes plus her extra time.</span></p>
<p><label for="exam-start">Start, UTC (optional; empty: now)</label>
<input id="exam-start" name="start" type="datetime-local"
 value="{html.escape(asked.get("start", ""))}"{marks("start")}></p>
</fieldset>
<p><button>Open the exam session</button></p></form>"""


class CloseExamSession(ExamSessionsPage):
    @web.authenticated
    async def get(self, assignment: str) -> None:
        """The confirmation step: closing ends everyone's exam now."""
        session = current_session(self.state, assignment)
        if session is None:
            raise web.HTTPError(404, f"no open exam session of {assignment!r}")
        self.page(f"Close the exam session of {assignment}?", f"""<p id="close-warning">This ends the exam now for
its {len(session.ends)} trainee(s), extra time included: the hub hands in each one's notebook as last saved,
and a later hand-in is refused. It cannot be undone (a new session can be opened).</p>
<form method="post" action="{self.reverse_url("exam_close", assignment)}">{self.xsrf_form_html()}
<p><button aria-describedby="close-warning">Close the session now</button>
<a href="{self.reverse_url("exam_sessions")}">Cancel: back to the exam sessions</a></p></form>""")

    @web.authenticated
    async def post(self, assignment: str) -> None:
        try:
            done = await asyncio.to_thread(close_exam, self.state, HubAPI.for_this_service(), assignment)
        except (ExamSessionError, HubAPIError) as error:
            self.set_status(400)
            await self.show(refusal=refusal_of(error))
            return
        await self.show(done=done)


def routes(prefix: str, context: dict) -> list[web.URLSpec]:
    return [web.url(prefix + "console/exams", ExamSessionsPage, context, name="exam_sessions"),
            web.url(prefix + r"console/exams/close/([\w-]+)", CloseExamSession, context, name="exam_close")]
