"""The clinic manager's page: where each trainee stands, sortable, searchable, as CSV too.

One row per trainee of the course server (``accounts.json``): certified (until when),
expiring within N days (the framework's recertification window unless ``?within=``
says otherwise), expired, revoked, or in progress with what is missing; computed by
:func:`course.certification.standing.standings`, with the functions ``mesocourse
verify`` and ``expiring`` use. A manager whose staff roster row names a clinic sees
only the trainees of that clinic (the trainees' roster's ``clinic`` column); a
manager without one sees every trainee. The registry is read as every command reads it
(``CoursePage.registry_records``). Below the table, the competencies to refresh first, for
the clinic as a whole and per staff member (:mod:`course.certification.refresh`: from
graded work in the course's gradebook, else the latest decision; the trainees'
self-check attempts are in their homes, which the service cannot read). The CSV's
cells are made inert for spreadsheets (:mod:`course.spreadsheet`).
"""

from __future__ import annotations

import html
import io
from datetime import date
from typing import Any

from tornado import web

from course.certification.decide import percent
from course.certification.refresh import NO_END, Evidence, Refresh, clinic_refresh, refresh_first, staff_evidence
from course.certification.standing import COLUMNS, Standing, standings
from course.hub.accounts import enrolled
from course.knowledge import load
from course.report.sortable import SCRIPT, STYLE, sortable_table
from course.spreadsheet import InertWriter

from .roles import CoursePage

# At tablet width a wide table scrolls in its own box (a keyboard-focusable region), never the page,
# and its headings wrap.
TABLET = ".scroll{max-width:100%}.sortable th button{white-space:normal;text-align:left}"


class ClinicPage(CoursePage):
    roles = frozenset({"clinic_manager"})

    @property
    def clinic(self) -> str:
        """The manager's clinic from the staff roster ("" = every clinic)."""
        return str(enrolled(self.state)["staff"].get(str(self.person.get("name")), {}).get("clinic", ""))

    def within(self) -> int:
        """Days ahead that count as expiring: ``?within=DAYS``, else the framework's recertification window."""
        asked = self.get_argument("within", "")
        if asked:
            if not asked.isdigit() or not 0 < int(asked) <= 3660:
                raise web.HTTPError(400, "within: a number of days from 1 to 3660")
            return int(asked)
        return load().certification.recertification.window_days

    def rows(self, records: list[Any], within: int) -> list[Standing]:
        """The standing of the manager's trainees today."""
        trainees = {trainee: person for trainee, person in enrolled(self.state)["trainees"].items()
                    if not self.clinic or person.get("clinic") == self.clinic}
        return standings(records, trainees, date.today(), within)


class ClinicStaff(ClinicPage):
    @web.authenticated
    def get(self) -> None:
        within = self.within()
        records = self.registry_records()
        rows = self.rows(records, within)
        frame = _frame(rows)
        where = f"clinic {self.clinic}" if self.clinic else "every clinic"
        counts = ", ".join(f"{sum(row.status == s for row in rows)} {s}"
                           for s in ("certified", "expiring", "expired", "revoked", "in progress"))
        csv_url = self.reverse_url("clinic_csv") + f"?within={within}"
        self.page(f"Clinic staff: {where}", f"""<style>{STYLE}{TABLET}</style>
<p>{len(rows)} trainee(s) on {date.today()}: {html.escape(counts)}.
"Expiring" means the certificate ends within {within} days.</p>
<form method="get" action=""><label for="within">Expiring within (days)</label>
<input id="within" name="within" type="number" min="1" max="3660" value="{within}">
<button type="submit">Show</button></form>
<p><a href="{html.escape(csv_url)}" download>Download this table as CSV</a></p>
{sortable_table(frame, "staff", {}, "search trainees", "Trainees and their certification")}
{_refresh_section(rows, *staff_evidence(self.state.course, records))}
{SCRIPT}""")


class ClinicCSV(ClinicPage):
    @web.authenticated
    def get(self) -> None:
        buffer = io.StringIO()
        writer = InertWriter(buffer)
        writer.writerow(COLUMNS)
        writer.writerows(row.row() for row in self.rows(self.registry_records(), self.within()))
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="clinic-staff-{date.today()}.csv"')
        self.finish(buffer.getvalue())


def _frame(rows: list[Standing]) -> Any:
    import pandas as pd

    return pd.DataFrame([row.row() for row in rows], columns=list(COLUMNS))


def _refresh_section(rows: list[Standing], evidence: dict[str, Evidence], unread: str) -> str:
    """The competencies to refresh first: for the clinic as a whole, then per staff member."""
    import pandas as pd

    refreshes = refresh_first(rows, evidence)
    whole = pd.DataFrame([(f"{c.competency}: {c.name}", len(c.below), "; ".join(map(_member_score, c.staff)),
                           _against_mark(c.staff[0]), _end(c.ends)) for c in clinic_refresh(refreshes)],
                         columns=["competency", "staff below its pass mark", "staff who should refresh it",
                                  "furthest from its pass mark", "soonest certificate end"])
    each = pd.DataFrame([(r.standing.trainee, r.standing.name, f"{r.result.id}: {r.result.name}",
                          round(r.result.share * 100, 1), round(r.result.mark.value * 100, 1), _against_mark(r),
                          r.standing.status, _end(r.ends), r.source) for r in refreshes],
                        columns=["trainee", "name", "competency", "score (%)", "pass mark (%)", "refresh because",
                                 "status", "certificate ends", "from"])
    unread_note = (f" The course's gradebook could not be read ({html.escape(unread)}), so every figure below "
                   "comes from certification decisions.") if unread else ""
    without = len({row.trainee for row in rows} - {r.standing.trainee for r in refreshes})
    without_note = f" {without} staff member(s) have no graded work or decision yet." if without else ""
    return f"""<h2>Competencies to refresh first</h2>
<p>Each staff member's competencies below their pass mark, or, when every one passes, the weakest.
Ordered by how far below the pass mark, then by the soonest certificate end. The figures come only from
graded work (the course's gradebook, scored as certification scores it) or, for staff with no graded work
there, from their latest certification decision: the self-check attempts trainees keep in their own folders
cannot be read by this page, so it shows no predicted retention (that is <code>mesocourse expiring
--attempts</code>).{unread_note}{without_note}</p>
<h3>For the clinic as a whole</h3>
{sortable_table(whole, "refresh-clinic", {}, "search competencies", "Competencies to refresh, for the clinic")}
<h3>Per staff member</h3>
{sortable_table(each, "refresh-staff", {}, "search staff and competencies", "Competencies to refresh, per member")}"""


def _against_mark(refresh: Refresh) -> str:
    """How the score stands against the mark, in words (never colour alone)."""
    points = f"{abs(refresh.shortfall) * 100:.1f}".rstrip("0").rstrip(".")
    return (f"{points} points below its pass mark" if not refresh.result.passed
            else f"weakest: {points} points above its pass mark")


def _member_score(refresh: Refresh) -> str:
    return f"{refresh.standing.name or refresh.standing.trainee} ({percent(refresh.result.share)})"


def _end(ends: str) -> str:
    return "no certificate" if ends == NO_END else ends


def routes(prefix: str, context: dict) -> list[web.URLSpec]:
    return [web.url(prefix + "clinic", ClinicStaff, context, name="clinic"),
            web.url(prefix + "clinic/staff.csv", ClinicCSV, context, name="clinic_csv")]
