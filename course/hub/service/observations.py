"""Observed practice in the browser (DOPS-style): the trainee asks, the assessor observes and signs.

* A trainee asks for an observation (``/observations``): the procedure, the day, and an
  assessor from the staff roster (of their clinic, or with no clinic). The same page
  shows their recorded observations with the assessor's rating and feedback.
* An assessor sees the requests addressed to them (``/assess``) and completes each on a
  form (``/assess/ID``) made from the knowledge base (the procedure's checklist in
  ``certification.yaml``, each item with the text of the entries it cites), a global
  rating on the entrustment scale, and what went well / what to improve. The form works
  at 768 px wide, with the keyboard alone, and every control is at least 44 px high.
* The record is the assessor's authenticated hub identity, never a typed name: it is
  signed with the issuer's key with that identity inside
  (:func:`course.certification.observation.authenticated_payload`). A request can be
  completed only by the assessor it names; any other (a trainee, another assessor, a
  form naming someone else) gets 403.

Requests are kept in ``COURSE/observation-requests.json`` (the service's, i.e. the grader's).
"""

from __future__ import annotations

import html
import json
import secrets
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from tornado import web

from course.certification.errors import CertificationError
from course.certification.keys import Issuer
from course.certification.observation import authenticated_payload, observation_payload, record_observations
from course.certification.registry import OBSERVATION
from course.coursedir import registry_url
from course.dates import parse_day
from course.hub.accounts import enrolled
from course.hub.state import write_atomically
from course.knowledge import load

from .roles import CoursePage

FORM_STYLE = """
form.observation, form.request { max-width: 44em; }
form.observation label, form.request label, fieldset label { display: block; }
fieldset { border: 1px solid #8a8a8a; margin: 1em 0; padding: .4em .9em; }
fieldset label { display: flex; align-items: center; gap: .7em; min-height: 44px; padding: .2em 0; }
fieldset input[type=checkbox], fieldset input[type=radio] { width: 24px; height: 24px; flex: none; margin: 0; }
select, input[type=date], textarea, form button, a.button { font-size: 1em; min-height: 44px; box-sizing: border-box; }
select, input[type=date], textarea { width: 100%; max-width: 40em; padding: .3em .5em; }
a.button { display: inline-flex; align-items: center; padding: 0 1em; border: 1px solid #1f5a8f; }
.cited { color: #4a4a4a; font-size: .92em; display: block; }
"""


FEEDBACK = {"went_well": "What went well", "to_improve": "What to improve"}


def requests_file(course_dir: Path) -> Path:
    return course_dir / "observation-requests.json"


def read_requests(course_dir: Path) -> dict[str, dict[str, Any]]:
    path = requests_file(course_dir)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def save_requests(course_dir: Path, requests: dict[str, dict[str, Any]]) -> None:
    write_atomically(requests_file(course_dir), json.dumps(requests, indent=2, sort_keys=True) + "\n", 0o600)


class ObservationPage(CoursePage):
    """What the trainee's and the assessor's pages share."""

    def framework_procedures(self) -> dict[str, Any]:
        return {procedure.id: procedure for procedure in load().certification.observed_practice}

    def assessors_for(self, trainee: str) -> dict[str, dict[str, Any]]:
        """Assessors a trainee may ask: of the trainee's clinic, or of none."""
        people = enrolled(self.state)
        clinic = people["trainees"].get(trainee, {}).get("clinic", "")
        return {who: person for who, person in sorted(people["staff"].items())
                if "assessor" in person.get("roles", ()) and person.get("clinic", "") in ("", clinic)}

    def registry(self) -> str:
        return registry_url(None, self.state.course)

    def select_options(self, choices: dict[str, str], chosen: str = "") -> str:
        return "".join(f'<option value="{html.escape(value)}"{" selected" if value == chosen else ""}>'
                       f"{html.escape(text)}</option>" for value, text in choices.items())


class TraineeObservations(ObservationPage):
    roles = frozenset({"trainee"})

    @web.authenticated
    def get(self) -> None:
        sent = self.get_argument("requested", "")
        note = '<p role="status">Your request was sent to the assessor.</p>' if sent else ""
        me = str(self.person.get("name"))
        procedures = {p.id: p.name for p in self.framework_procedures().values()}
        assessors = {who: f"{person['name']}" + (f" ({person['clinic']})" if person.get("clinic") else "")
                     for who, person in self.assessors_for(me).items()}
        mine = [r for r in read_requests(self.state.course_dir).values() if r["trainee"] == me]
        requested = "".join(f"<li>{html.escape(procedures.get(r['procedure'], r['procedure']))} on {r['date']} with "
                            f"{html.escape(assessors.get(r['assessor'], r['assessor']))}: {r['status']}</li>"
                            for r in mine)
        action = self.reverse_url("observations")
        form = (f"""<form class="request" method="post" action="{action}">{self.xsrf_form_html()}
<label for="procedure">Procedure</label>
<select id="procedure" name="procedure">{self.select_options(procedures)}</select>
<label for="day">Day of the session</label><input id="day" name="date" type="date" required value="{date.today()}">
<label for="assessor">Assessor</label><select id="assessor" name="assessor">{self.select_options(assessors)}</select>
<p><button type="submit">Ask for this observation</button></p></form>""" if assessors else
                "<p>No assessor is enrolled for your clinic yet.</p>")
        self.page("Observed practice", f"""<style>{FORM_STYLE}</style>{note}
<h2>Ask an assessor to observe you</h2>{form}
<h2>Your requests</h2>{f'<ul>{requested}</ul>' if requested else '<p>None yet.</p>'}
<h2>Your recorded observations and feedback</h2>{self.recorded(me, procedures)}""")

    def recorded(self, me: str, procedures: dict[str, str]) -> str:
        records = [r for r in self.registry_records() if r.kind == OBSERVATION and r.trainee == me]
        items = []
        for record in records:
            data, feedback = record.data, record.data.get("feedback", {})
            who = data.get("assessor_identity", {}).get("hub_user")
            how = f"signed by {who} on the course server" if who else data.get("provenance", "self-reported")
            items.append(f"<li><strong>{html.escape(procedures.get(data['procedure'], data['procedure']))}</strong>, "
                         f"{data['date']}: level {data['entrustment']} ({html.escape(data['entrustment_name'])}), "
                         f"by {html.escape(data['assessor'])} ({html.escape(how)})"
                         + "".join(f"<br>{label}: {html.escape(feedback[key])}" for key, label in FEEDBACK.items()
                                   if feedback.get(key))
                         + "</li>")
        return f"<ul>{''.join(items)}</ul>" if items else "<p>None yet.</p>"

    @web.authenticated
    def post(self) -> None:
        me = str(self.person.get("name"))
        procedure, assessor = self.get_body_argument("procedure", ""), self.get_body_argument("assessor", "")
        if procedure not in self.framework_procedures() or assessor not in self.assessors_for(me):
            raise web.HTTPError(400, "unknown procedure or assessor")
        try:
            day = parse_day(self.get_body_argument("date", ""), "date")
        except Exception:
            raise web.HTTPError(400, "date: YYYY-MM-DD") from None
        requests = read_requests(self.state.course_dir)
        request_id = secrets.token_hex(6)
        requests[request_id] = {"id": request_id, "trainee": me, "procedure": procedure, "date": day.isoformat(),
                                "assessor": assessor, "status": "open",
                                "requested": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        save_requests(self.state.course_dir, requests)
        self.redirect(self.reverse_url("observations") + "?requested=1")


class AssessorQueue(ObservationPage):
    roles = frozenset({"assessor"})

    @web.authenticated
    def get(self) -> None:
        recorded = self.get_argument("recorded", "")
        note = (f'<p role="status">Recorded and signed: registry record {int(recorded)}.</p>'
                if recorded.isdigit() else "")
        me = str(self.person.get("name"))
        people, procedures = enrolled(self.state)["trainees"], self.framework_procedures()
        head = "".join(f'<th scope="col">{name}</th>' for name in ("trainee", "procedure", "day", "form"))
        rows = "".join(
            f"<tr><td>{html.escape(people.get(r['trainee'], {}).get('name', r['trainee']))}</td>"
            f"<td>{html.escape(procedures[r['procedure']].name)}</td><td>{r['date']}</td>"
            f'<td><a class="button" href="{self.reverse_url("assess_form", r["id"])}">Open the form</a></td></tr>'
            for r in read_requests(self.state.course_dir).values() if r["assessor"] == me and r["status"] == "open")
        self.page("Observations to complete", f"""<style>{FORM_STYLE}</style>{note}
{f'<table><caption>Requests addressed to you</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
 if rows else '<p>No request is waiting for you.</p>'}""")


class AssessForm(ObservationPage):
    roles = frozenset({"assessor"})

    def request_for_me(self, request_id: str) -> dict[str, Any]:
        """The open request ``request_id`` addressed to the person asking; 404 or 403 otherwise."""
        request = read_requests(self.state.course_dir).get(request_id)
        if request is None or request["status"] != "open":
            raise web.HTTPError(404, f"no open request {request_id}")
        if request["assessor"] != self.person.get("name"):
            raise web.HTTPError(403, f"request {request_id} is addressed to another assessor")
        return request

    @web.authenticated
    def get(self, request_id: str) -> None:
        request = self.request_for_me(request_id)
        procedure = self.framework_procedures()[request["procedure"]]
        kb, framework = load(), load().certification
        trainee = enrolled(self.state)["trainees"].get(request["trainee"], {}).get("name", request["trainee"])
        checklist = "".join(
            f'<label><input type="checkbox" name="check_{item.id}" value="done"> <span>{html.escape(item.prompt)}'
            f'<span class="cited">{"<br>".join(html.escape(text) for ref in item.cites for text in _taught(kb, ref))}'
            '</span></span></label>'
            for item in procedure.checklist)
        levels = "".join(
            f'<label><input type="radio" name="entrustment" value="{e.level}" required> '
            f'<span>{e.level}: {html.escape(e.name)}. {html.escape(e.text)}</span></label>'
            for e in framework.entrustment_scale)
        self.page(f"Observation: {procedure.name}", f"""<style>{FORM_STYLE}</style>
<p>Trainee: <strong>{html.escape(trainee)}</strong>; day of the session: {request['date']}. Your name is recorded
from your login, signed with the course's key.</p>
<form class="observation" method="post" action="{self.reverse_url('assess_form', request_id)}">{self.xsrf_form_html()}
<fieldset><legend>Checklist: tick what the trainee did (what the course teaches is under each line)</legend>
{checklist}</fieldset>
<fieldset><legend>Global rating: entrustment level</legend>{levels}</fieldset>
<label for="went_well">What went well</label><textarea id="went_well" name="went_well" rows="3"></textarea>
<label for="to_improve">What to improve</label><textarea id="to_improve" name="to_improve" rows="3"></textarea>
<p><button type="submit">Sign and record this observation</button></p></form>""")

    @web.authenticated
    def post(self, request_id: str) -> None:
        me = str(self.person.get("name"))
        request = self.request_for_me(request_id)
        if self.get_body_argument("assessor", me) != me:
            raise web.HTTPError(403, "an observation is recorded as the assessor who is logged in, no one else")
        procedure = self.framework_procedures()[request["procedure"]]
        level = self.get_body_argument("entrustment", "")
        if not level.isdigit():
            raise web.HTTPError(400, "choose an entrustment level")
        staff = enrolled(self.state)["staff"].get(me, {})
        issuer = Issuer(self.state.course.issuer_folder)
        try:
            payload = observation_payload(request["trainee"], procedure.id, f"{staff.get('name', me)} ({me})",
                                          int(level), date.fromisoformat(request["date"]))
            payload |= {"checklist": {item.id: self.get_body_argument(f"check_{item.id}", "") == "done"
                                      for item in procedure.checklist},
                        "feedback": {key: self.get_body_argument(key, "").strip() for key in FEEDBACK},
                        "request": request_id}
            [record] = record_observations(self.registry(), me, [authenticated_payload(issuer, payload, me)],
                                           course=self.state.course)
        except CertificationError as error:
            raise web.HTTPError(400, str(error)) from None
        requests = read_requests(self.state.course_dir)
        requests[request_id] |= {"status": "done", "record": record.seq}
        save_requests(self.state.course_dir, requests)
        self.redirect(self.reverse_url("assess") + f"?recorded={record.seq}")


def _taught(kb: Any, ref: str) -> list[str]:
    """The text (else the name) of each entry ``ref`` cites, as the form shows it under the item."""
    return [str(getattr(entry, "text", None) or getattr(entry, "name", "")) for entry in kb.entries(ref)]


def routes(prefix: str, context: dict) -> list[web.URLSpec]:
    return [web.url(prefix + "observations", TraineeObservations, context, name="observations"),
            web.url(prefix + "assess", AssessorQueue, context, name="assess"),
            web.url(prefix + r"assess/([0-9a-f]{12})", AssessForm, context, name="assess_form")]
