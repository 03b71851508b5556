"""The exam log's ``refused`` events, reported by the trainee's own server.

A trainee's server in the exam profile runs as the trainee, who cannot write the course's
exam log; it posts each refused request here (:mod:`course.exam_refusals`) with its own hub
token, so the service (the grader's account) knows who is asking. It logs only a
``refused`` event, only about the person asking, and only while she sits an exam: a report
naming another trainee is refused (403), and so is one outside her exam (409).
"""

from __future__ import annotations

import json

from tornado import web

from course.exam_refusals import MAX_DETAIL, REFUSED
from course.hub.exams import in_open_exam, log_event

from .roles import CoursePage


class ExamRefusal(CoursePage):
    roles = frozenset({"trainee"})

    def check_xsrf_cookie(self) -> None:
        """A report comes from a server with its token, not from a page: once the token is resolved
        (JupyterHub then skips the XSRF check), a request with a token needs no XSRF cookie;
        one without a token is still checked."""
        _ = self.current_user
        super().check_xsrf_cookie()

    @web.authenticated
    def post(self) -> None:
        trainee = str(self.person.get("name"))
        try:
            report = json.loads(self.request.body or b"{}")
        except ValueError:
            raise web.HTTPError(400, "the report is not JSON") from None
        if not isinstance(report, dict):
            raise web.HTTPError(400, "the report is not a JSON object")
        if report.get("trainee") not in (None, "", trainee):
            raise web.HTTPError(403, f"{trainee} may not report about {report.get('trainee')}")
        what, detail = report.get("what"), report.get("detail", "")
        if what not in REFUSED or not isinstance(detail, str):
            raise web.HTTPError(400, f"report: 'what' must be one of {', '.join(REFUSED)}, 'detail' a string")
        if in_open_exam(self.state, trainee) is None:
            raise web.HTTPError(409, f"{trainee} sits no exam now: nothing to report")
        log_event(self.state, "refused", trainee=trainee, what=what, detail=detail[:MAX_DETAIL])
        self.finish({"logged": "refused", "trainee": trainee, "what": what})


def routes(prefix: str, context: dict) -> list[web.URLSpec]:
    return [web.url(prefix + "exam/refused", ExamRefusal, context, name="exam_refused")]
