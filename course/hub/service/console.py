"""The instructor console: the hand-in loop without typing a command.

One page lists the course's assignments with what has happened to each (released,
handed in, collected, graded, feedback written) and a button per step: release (with
a due date), collect, grade (``mesocourse grade``), write and release feedback; and,
for the whole course, the cohort report and certification. Each button starts a
:class:`~.jobs.Job` (the same commands the README gives for a terminal) and opens its
page: live progress, the output, and what came of it in plain words, with the grading
sheet or report to open when there is one. Formgrader is one click away in the bar.
"""

from __future__ import annotations

import csv
import html
import json
import re
import sys
from pathlib import Path
from typing import Any

from tornado import web

from course.hub.state import HubState

from .jobs import Job, JobRunner
from .roles import CoursePage

TOOLS = Path(sys.executable).parent
DUE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")  # what <input type="datetime-local"> sends
REPORT = "reports/cohort-report.html"


class InstructorPage(CoursePage):
    roles = frozenset({"instructor"})

    def initialize(self, hub_auth: Any, state: HubState, runner: JobRunner) -> None:  # type: ignore[override]
        super().initialize(hub_auth, state)
        self.runner = runner

    @property
    def course(self) -> Path:
        return self.state.course_dir

    def assignments(self) -> list[str]:
        return sorted(path.name for path in (self.course / "source").iterdir() if path.is_dir())


def _count(paths: list[Path]) -> int:
    return len([path for path in paths if path.exists()])


class ConsolePage(InstructorPage):
    @web.authenticated
    def get(self) -> None:
        busy = self.runner.busy()
        note = ('<p role="status">Running now: <a '
                f'href="{self.reverse_url("job", busy.id)}">{html.escape(busy.title)}</a>'
                "</p>" if busy else "")
        rows = "".join(self._row(name) for name in self.assignments())
        course_wide = (f'{self._button("report", "", "Write the cohort report")}'
                       + (f' <a href="{self.reverse_url("report")}">Open the cohort report</a>'
                          if (self.course / REPORT).is_file() else "")
                       + f' {self._button("certify", "", "Run certification")}')
        self.page("Instructor console", f"""{note}
<p>Each button runs the course's own command as the grader and shows what it did.</p>
<table><caption>Assignments</caption><thead><tr><th scope="col">assignment</th><th scope="col">where it is</th>
<th scope="col">release (due date, UTC, optional)</th><th scope="col">next steps</th></tr></thead>
<tbody>{rows}</tbody></table>
<h2>The whole course</h2><p>{course_wide}</p>
<h2>Exams</h2><p><a href="{self.reverse_url("exam_sessions")}">Exam sessions</a>: open a timed exam for a group,
see each trainee's end, close it.</p>
<h2>Earlier actions</h2><ul>{self._history()}</ul>""")

    def _row(self, name: str) -> str:
        exchange = self.state.exchange / self.state.settings().course_id
        handed_in = len(list((exchange / "inbound").glob(f"*+{name}+*"))) if (exchange / "inbound").is_dir() else 0
        counts = {step: len(list((self.course / step).glob(f"*/{name}")))
                  for step in ("submitted", "autograded", "feedback")}
        released = (exchange / "outbound" / name).is_dir()
        where = (f"{'released' if released else 'not released'}; {handed_in} hand-in(s); "
                 f"{counts['submitted']} collected; {counts['autograded']} graded; feedback for {counts['feedback']}")
        sheet = self.course / "reports" / f"grading-{name}.csv"
        release = (f'<form method="post" action="{self.reverse_url("run")}">{self.xsrf_form_html()}'
                   f'<input type="hidden" name="assignment" value="{html.escape(name)}">'
                   f'<label>Due <input type="datetime-local" name="due"></label>'
                   f'<button name="action" value="release">Release {html.escape(name)}</button></form>')
        steps = " ".join(self._button(action, name, f"{label} {name}") for action, label in
                         (("collect", "Collect"), ("grade", "Grade"), ("feedback", "Write and release feedback for")))
        if sheet.is_file():
            steps += f' <a href="{self.reverse_url("sheet", name)}">Grading sheet of {html.escape(name)}</a>'
        return f"<tr><th scope=\"row\">{html.escape(name)}</th><td>{where}</td><td>{release}</td><td>{steps}</td></tr>"

    def _button(self, action: str, assignment: str, label: str) -> str:
        return (f'<form method="post" action="{self.reverse_url("run")}" style="display:inline">{self.xsrf_form_html()}'
                f'<input type="hidden" name="assignment" value="{html.escape(assignment)}">'
                f'<button name="action" value="{action}">{html.escape(label)}</button></form>')

    def _history(self) -> str:
        jobs = reversed(self.runner.jobs.values())
        return "".join(f'<li><a href="{self.reverse_url("job", job.id)}">{html.escape(job.title)}</a>: '
                       f'{html.escape(job.status)}</li>' for job in jobs) or "<li>none yet</li>"


def commands(action: str, assignment: str, due: str, by: str) -> tuple[str, list[list[str]]]:
    """The title and commands of one console action (what the README has instructors type)."""
    nbgrader, mesocourse = str(TOOLS / "nbgrader"), str(TOOLS / "mesocourse")
    if action == "release":
        dated = [[nbgrader, "db", "assignment", "add", assignment,
                  f"--duedate={due.replace('T', ' ')}:00 UTC"]] if due else []
        return f"Release {assignment}" + (f" (due {due.replace('T', ' ')} UTC)" if due else ""), \
            [*dated, [nbgrader, "release_assignment", assignment]]
    if action == "collect":
        return f"Collect {assignment}", [[nbgrader, "collect", assignment, "--update"]]
    if action == "grade":
        return f"Grade {assignment}", [[mesocourse, "grade", assignment, "--course", "."]]
    if action == "feedback":
        return f"Write and release feedback for {assignment}", [
            [mesocourse, "feedback", assignment, "--course", "."], [nbgrader, "release_feedback", assignment]]
    if action == "report":
        return "Write the cohort report", [[mesocourse, "report", "--course", ".", "--out", REPORT]]
    if action == "certify":
        return "Run certification", [[mesocourse, "certify", "--course", ".", "--by", by]]
    raise web.HTTPError(400, f"unknown action {action!r}")


class RunAction(InstructorPage):
    @web.authenticated
    def post(self) -> None:
        action, assignment = self.get_body_argument("action", ""), self.get_body_argument("assignment", "")
        due = self.get_body_argument("due", "").strip()
        if action not in ("report", "certify") and assignment not in self.assignments():
            raise web.HTTPError(400, f"no assignment named {assignment!r} in this course")
        if due and not DUE.fullmatch(due):
            raise web.HTTPError(400, f"the due date {due!r} is not a date and time (YYYY-MM-DDTHH:MM)")
        busy = self.runner.busy()
        if busy:
            self.redirect(self.reverse_url("job", busy.id))
            return
        title, argv = commands(action, assignment, due, str(self.person.get("name")))
        self.redirect(self.reverse_url("job", self.runner.start(title, argv).id))


class JobPage(InstructorPage):
    def job(self, number: str) -> Job:
        job = self.runner.jobs.get(int(number))
        if job is None:
            raise web.HTTPError(404, f"no action number {number} since the service started")
        return job

    @web.authenticated
    def get(self, number: str) -> None:
        job = self.job(number)
        data = self.reverse_url("job_data", job.id)
        self.page(job.title, f"""<p role="status" id="outcome">{html.escape(job.outcome or "Running...")}</p>
<p><label for="progress">Progress</label> <progress id="progress" max="{job.total or 1}" value="{job.done}"></progress>
<span id="count">{job.done} of {job.total or "?"}</span></p>
<p id="next">{self._next(job)}</p>
<h2>Output</h2><pre id="output">{html.escape(chr(10).join(job.lines))}</pre>
<script>
// JupyterHub accepts a page's own fetch only with the page's XSRF token (its cookie alone is not enough).
async function poll() {{
  const headers = {{"X-XSRFToken": {json.dumps(self.xsrf_token.decode())}}};
  const job = await (await fetch({json.dumps(data)}, {{headers}})).json();
  document.getElementById("output").textContent = job.lines.join("\\n");
  const bar = document.getElementById("progress");
  bar.max = job.total || 1; bar.value = job.done;
  document.getElementById("count").textContent = job.done + " of " + (job.total || "?");
  if (job.status === "running") {{ setTimeout(poll, 1000); }} else {{ location.reload(); }}
}}
{"poll();" if job.status == "running" else ""}
</script>""")

    def _next(self, job: Job) -> str:
        if job.status != "done":
            return f'<a href="{self.reverse_url("console")}">Back to the console</a>'
        found = re.match(r"Grade (\S+)$", job.title)
        more = ""
        if found:
            more = f'<a href="{self.reverse_url("sheet", found.group(1))}">Open the grading sheet</a> · '
        elif job.title == "Write the cohort report":
            more = f'<a href="{self.reverse_url("report")}">Open the cohort report</a> · '
        return more + f'<a href="{self.reverse_url("console")}">Back to the console</a>'


class JobData(JobPage):
    @web.authenticated
    def get(self, number: str) -> None:
        self.finish(self.job(number).as_dict())


class GradingSheet(InstructorPage):
    @web.authenticated
    def get(self, assignment: str) -> None:
        sheet = self.course / "reports" / f"grading-{assignment}.csv"
        if assignment not in self.assignments() or not sheet.is_file():
            raise web.HTTPError(404, f"no grading sheet for {assignment!r} yet: grade it first")
        with sheet.open(newline="") as handle:
            rows = list(csv.reader(handle))
        head = "".join(f'<th scope="col">{html.escape(cell)}</th>' for cell in rows[0])
        body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows[1:])
        self.page(f"Grading sheet: {assignment}", f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


class CohortReport(InstructorPage):
    @web.authenticated
    def get(self) -> None:
        report = self.course / REPORT
        if not report.is_file():
            raise web.HTTPError(404, "no cohort report yet: write it from the console first")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(report.read_bytes())


def routes(prefix: str, context: dict) -> list[web.URLSpec]:
    """The console's pages under the service's prefix; ``context``: hub_auth, state, runner."""
    pages = (("console", ConsolePage, "console"), ("console/run", RunAction, "run"),
             (r"console/jobs/(\d+)", JobPage, "job"), (r"console/jobs/(\d+)\.json", JobData, "job_data"),
             (r"console/sheet/([\w-]+)", GradingSheet, "sheet"), ("console/report", CohortReport, "report"))
    return [web.url(prefix + path, handler, context, name=name) for path, handler, name in pages]
