"""The clinic manager's page: where each trainee stands, sortable, searchable, as CSV too.

One row per trainee of the course server (``accounts.json``): certified (until when),
expiring within N days (the framework's recertification window unless ``?within=``
says otherwise), expired, revoked, or in progress with what is missing; computed by
:func:`course.certification.standing.standings`, with the functions ``mesocourse
verify`` and ``expiring`` use. A manager whose staff roster row names a clinic sees
only the trainees of that clinic (the trainees' roster's ``clinic`` column); a
manager without one sees every trainee. The registry is read as every command reads it
(``CoursePage.registry_records``). The CSV's cells are made inert for spreadsheets
(:mod:`course.spreadsheet`).
"""

from __future__ import annotations

import html
import io
from datetime import date
from typing import Any

from tornado import web

from course.certification.standing import COLUMNS, Standing, standings
from course.hub.accounts import enrolled
from course.knowledge import load
from course.report.sortable import SCRIPT, STYLE, sortable_table
from course.spreadsheet import InertWriter

from .roles import CoursePage


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

    def rows(self, within: int) -> list[Standing]:
        """The standing of the manager's trainees today."""
        trainees = {trainee: person for trainee, person in enrolled(self.state)["trainees"].items()
                    if not self.clinic or person.get("clinic") == self.clinic}
        return standings(self.registry_records(), trainees, date.today(), within)


class ClinicStaff(ClinicPage):
    @web.authenticated
    def get(self) -> None:
        within = self.within()
        rows = self.rows(within)
        frame = _frame(rows)
        where = f"clinic {self.clinic}" if self.clinic else "every clinic"
        counts = ", ".join(f"{sum(row.status == s for row in rows)} {s}"
                           for s in ("certified", "expiring", "expired", "revoked", "in progress"))
        csv_url = self.reverse_url("clinic_csv") + f"?within={within}"
        self.page(f"Clinic staff: {where}", f"""<style>{STYLE}</style>
<p>{len(rows)} trainee(s) on {date.today()}: {html.escape(counts)}.
"Expiring" means the certificate ends within {within} days.</p>
<form method="get" action=""><label for="within">Expiring within (days)</label>
<input id="within" name="within" type="number" min="1" max="3660" value="{within}">
<button type="submit">Show</button></form>
<p><a href="{html.escape(csv_url)}" download>Download this table as CSV</a></p>
{sortable_table(frame, "staff", {}, "search trainees", "Trainees and their certification")}
{SCRIPT}""")


class ClinicCSV(ClinicPage):
    @web.authenticated
    def get(self) -> None:
        buffer = io.StringIO()
        writer = InertWriter(buffer)
        writer.writerow(COLUMNS)
        writer.writerows(row.row() for row in self.rows(self.within()))
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="clinic-staff-{date.today()}.csv"')
        self.finish(buffer.getvalue())


def _frame(rows: list[Standing]) -> Any:
    import pandas as pd

    return pd.DataFrame([row.row() for row in rows], columns=list(COLUMNS))


def routes(prefix: str, context: dict) -> list[web.URLSpec]:
    return [web.url(prefix + "clinic", ClinicStaff, context, name="clinic"),
            web.url(prefix + "clinic/staff.csv", ClinicCSV, context, name="clinic_csv")]
