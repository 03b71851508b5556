"""Report a request refused in the exam profile, and her own hand-in, to the course service, which logs it.

A trainee's server in the exam profile (and the exam kernel it starts) runs as the trainee,
who cannot write the course's exam log. So whatever is refused there (a terminal, another
kernel, a path outside the exam's folder, an upload, a file the exam kernel may not open)
is posted to the course service (``POST /services/course/exam/refused``,
:mod:`course.hub.service.exam_reports`) with the server's own hub token
(``JUPYTERHUB_API_TOKEN``): the service knows who is asking, checks she sits an exam, and
appends a ``refused`` event for her to the exam log. Her own hand-in during the exam
(nbgrader's submit, :class:`course.hub.exam_end.ExamSubmit`) is reported the same way
(``POST .../exam/handed-in``): the service finds it in the exchange before it logs it.

The spawner sets ``MESOCOURSE_EXAM_REPORT_URL`` (the service's ``exam/`` address) in the exam profile only; elsewhere (a
normal server, grading, a test without a hub) nothing is reported. Standard library only:
the exam kernel imports it. A report that cannot be delivered is written to the server's
or the kernel's log (stderr) and the refusal stands: reporting never decides anything.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import urllib.error
import urllib.request

REPORT_URL_ENV = "MESOCOURSE_EXAM_REPORT_URL"
REFUSED = ("terminal", "kernel", "path", "upload", "file")  # what was refused, as the exam log says
MAX_DETAIL = 500  # characters of detail kept per refusal


def _report(event: str, report: dict[str, str]) -> bool:
    """Post ``report`` to the service's ``exam/EVENT``, as the trainee this server runs for; True when logged."""
    base = os.environ.get(REPORT_URL_ENV)
    token = os.environ.get("JUPYTERHUB_API_TOKEN")
    if not base or not token:
        return False
    url = base.rstrip("/") + "/" + event
    body = json.dumps({**report, "trainee": os.environ.get("JUPYTERHUB_USER", "")}).encode("utf-8")
    request = urllib.request.Request(url, body, method="POST", headers={
        "Authorization": f"token {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError) as error:
        print(f"mesocourse: could not report {event} {report} to {url}: {error}"[:300], file=sys.stderr)
        return False


def report_refusal(what: str, detail: str) -> bool:
    """Ask the course service to log a refused ``what`` (one of :data:`REFUSED`); True when logged."""
    return _report("refused", {"what": what, "detail": detail[:MAX_DETAIL]})


def report_hand_in(assignment: str, submission: str) -> bool:
    """Ask the course service to log her hand-in of ``assignment``: ``submission`` is the folder nbgrader's
    submit made in the exchange's inbound (``TRAINEE+ASSIGNMENT+TIMESTAMP+RANDOM``); True when logged."""
    return _report("handed-in", {"assignment": assignment, "submission": submission})


def report_in_background(what: str, detail: str) -> None:
    """:func:`report_refusal` in a thread of its own: the refusal is answered at once, never held
    up by the report."""
    threading.Thread(target=report_refusal, args=(what, detail), name="exam-refusal", daemon=True).start()
