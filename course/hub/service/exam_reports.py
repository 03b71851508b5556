"""The exam log's events reported by the trainee's own server: refused requests, and her hand-ins.

A trainee's server in the exam profile runs as the trainee, who cannot write the course's
exam log; it posts each refused request, and each hand-in of hers, here
(:mod:`course.exam_reports`) with its own hub token, so the service (the grader's account)
knows who is asking. It logs only about the person asking, and only while she sits an
exam: a report naming another trainee is refused (403), and so is one outside her exam
(409). A hand-in is logged only once the service has found it in the exchange, under her
name and the exam's, so the log never says she handed in what nobody received.
"""

from __future__ import annotations

import json
import re

from tornado import web

from course.exam_reports import MAX_DETAIL, REFUSED
from course.hub.exams import ExamSession, in_open_exam, log_event

from .roles import CoursePage

TRAINEE_HAND_IN = "her own Submit"  # the ``by`` of her hand-in in the exam log (the hub's: HUB_HAND_IN)
SUBMISSION = re.compile(r"[^/+]+\+[^/+]+\+[^/+]+\+[A-Za-z0-9_-]+")  # TRAINEE+ASSIGNMENT+TIMESTAMP+RANDOM


class ExamReport(CoursePage):
    """A report from her server: JSON, about herself, while she sits an exam."""

    roles = frozenset({"trainee"})

    def check_xsrf_cookie(self) -> None:
        """A report comes from a server with its token, not from a page: once the token is resolved
        (JupyterHub then skips the XSRF check), a request with a token needs no XSRF cookie;
        one without a token is still checked."""
        _ = self.current_user
        super().check_xsrf_cookie()

    def report(self) -> tuple[str, dict, ExamSession]:
        """Who reports, what, and the exam she sits; a report that may not be logged is refused."""
        trainee = str(self.person.get("name"))
        try:
            report = json.loads(self.request.body or b"{}")
        except ValueError:
            raise web.HTTPError(400, "the report is not JSON") from None
        if not isinstance(report, dict):
            raise web.HTTPError(400, "the report is not a JSON object")
        if report.get("trainee") not in (None, "", trainee):
            raise web.HTTPError(403, f"{trainee} may not report about {report.get('trainee')}")
        session = in_open_exam(self.state, trainee)
        if session is None:
            raise web.HTTPError(409, f"{trainee} sits no exam now: nothing to report")
        return trainee, report, session


class ExamRefusal(ExamReport):
    @web.authenticated
    def post(self) -> None:
        trainee, report, _ = self.report()
        what, detail = report.get("what"), report.get("detail", "")
        if what not in REFUSED or not isinstance(detail, str):
            raise web.HTTPError(400, f"report: 'what' must be one of {', '.join(REFUSED)}, 'detail' a string")
        log_event(self.state, "refused", trainee=trainee, what=what, detail=detail[:MAX_DETAIL])
        self.finish({"logged": "refused", "trainee": trainee, "what": what})


class ExamHandIn(ExamReport):
    @web.authenticated
    def post(self) -> None:
        trainee, report, session = self.report()
        submission = str(report.get("submission", ""))
        if report.get("assignment") != session.assignment or not SUBMISSION.fullmatch(submission) \
                or not submission.startswith(f"{trainee}+{session.assignment}+"):
            raise web.HTTPError(400, f"report: not a hand-in of {session.assignment} by {trainee}: {submission!r}")
        inbound = self.state.exchange / self.state.settings().course_id / "inbound" / submission
        try:
            timestamp = (inbound / "timestamp.txt").read_text(encoding="utf-8").strip()
        except OSError:
            raise web.HTTPError(404, f"no hand-in {submission} in the exchange") from None
        log_event(self.state, "hand-in", trainee=trainee, assignment=session.assignment, by=TRAINEE_HAND_IN,
                  timestamp=timestamp)
        self.finish({"logged": "hand-in", "trainee": trainee, "timestamp": timestamp})


def routes(prefix: str, context: dict) -> list[web.URLSpec]:
    return [web.url(prefix + "exam/refused", ExamRefusal, context, name="exam_refused"),
            web.url(prefix + "exam/handed-in", ExamHandIn, context, name="exam_handed_in")]
