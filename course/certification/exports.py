"""CSV exports from the registry: one for HR, two for LMS gradebook import.

Every export reads each trainee's latest decision and latest certificate.

* HR: one row per trainee with certificate status, dates, entrustment level,
  restrictions, verification code and the reasons of the latest decision.
* Canvas (gradebook import): columns ``Student`` ("Last, First"), ``ID`` (Canvas
  user ID, from nbgrader's ``lms_user_id``), ``SIS User ID`` (the trainee ID),
  ``SIS Login ID``, ``Section``, then one column per grade item; the second row is
  Canvas's ``Points Possible`` row. Canvas creates an assignment for each new
  column name.
* Moodle (grade import, CSV): ``First name``, ``Last name``, ``ID number`` (the
  trainee ID), ``Email address``, then the grade items; map users by ID number or
  email address, and the item columns to new or existing grade items.

Grade items: each competency's score as a percentage (out of 100) and
``mesocourse certified`` (1 when the certificate is valid on the export day, else 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import IO

from course.spreadsheet import InertWriter

from .chain import Record
from .history import VALID, Certificate, latest_per_trainee
from .registry import DECISION

FORMATS = ("hr", "canvas", "moodle")
HR_COLUMNS = (
    "trainee_id", "name", "email", "certificate_status", "certificate_id", "issued", "expires",
    "entrustment_level", "entrustment_name", "restrictions", "verification_code",
    "latest_decision", "latest_decision_date", "latest_decision_record", "decided_by", "reasons",
)
CERTIFIED_ITEM = "mesocourse certified"


def _latest_decisions(records: Iterable[Record]) -> dict[str, Record]:
    return {r.trainee: r for r in records if r.kind == DECISION and r.trainee}


def _hr_row(decision: Record, certificate: Certificate | None, on: date) -> list[object]:
    d = decision.data
    c = certificate.record.data if certificate else {}
    return [
        d["trainee"], d["name"], d["email"],
        certificate.status(on) if certificate else "not certified",
        c.get("certificate_id", ""), c.get("issued", ""), c.get("expires", ""),
        c.get("entrustment_level", ""), c.get("entrustment_name", ""), "; ".join(c.get("restrictions", [])),
        certificate.code if certificate else "",
        d["outcome"], d["date"], decision.seq, decision.recorded_by, " | ".join(d["reasons"]),
    ]


def _competency_columns(decisions: Sequence[Record]) -> list[str]:
    seen: dict[str, None] = {}
    for decision in decisions:
        seen.update(dict.fromkeys(decision.data["competencies"]))
    return list(seen)


def _grades(decision: Record, certificate: Certificate | None, competencies: Sequence[str], on: date) -> list[object]:
    scores = decision.data["competencies"]
    percents = [round(scores[c]["share"] * 100, 2) if c in scores else "" for c in competencies]
    return [*percents, int(certificate is not None and certificate.status(on) == VALID)]


def write_export(kind: str, records: Sequence[Record], on: date, out: IO[str]) -> int:
    """Write one export (``hr``, ``canvas`` or ``moodle``) to ``out``; returns the number of trainees."""
    decisions = _latest_decisions(records)
    certificates = latest_per_trainee(records)
    competencies = _competency_columns(list(decisions.values()))
    items = [f"mesocourse competency: {c}" for c in competencies] + [CERTIFIED_ITEM]
    writer = InertWriter(out)  # names, emails and reasons were typed by people: never formulas
    if kind == "hr":
        writer.writerow(HR_COLUMNS)
    elif kind == "canvas":
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *items])
        writer.writerow(["    Points Possible", "", "", "", "", *([100] * len(competencies)), 1])
    else:
        writer.writerow(["First name", "Last name", "ID number", "Email address", *items])
    for trainee, decision in sorted(decisions.items()):
        d, certificate = decision.data, certificates.get(trainee)
        if kind == "hr":
            writer.writerow(_hr_row(decision, certificate, on))
            continue
        grades = _grades(decision, certificate, competencies, on)
        if kind == "canvas":
            student = ", ".join(part for part in (d["last_name"], d["first_name"]) if part) or trainee
            writer.writerow([student, d["lms_user_id"], trainee, "", "", *grades])
        else:
            writer.writerow([d["first_name"], d["last_name"], trainee, d["email"], *grades])
    return len(decisions)
