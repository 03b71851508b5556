"""Where each trainee stands, for a clinic manager: certified, expiring, expired, revoked, or in progress.

Computed with the very functions ``mesocourse verify`` (``Certificate.status``) and
``mesocourse expiring`` (``due_for_recertification``) use, so the manager's page can
never disagree with them; a trainee without a certificate is "in progress", with
the reasons of their latest certification decision (what is missing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .chain import Record
from .history import EXPIRED, REVOKED, due_for_recertification, latest_per_trainee
from .registry import DECISION

CERTIFIED, EXPIRING, IN_PROGRESS = "certified", "expiring", "in progress"
COLUMNS = ("trainee", "name", "clinic", "status", "certified until", "certificate", "details")


@dataclass(frozen=True)
class Standing:
    """One trainee's row on the manager's page (and in its CSV)."""

    trainee: str
    name: str
    clinic: str
    status: str  # CERTIFIED, EXPIRING, EXPIRED, REVOKED or IN_PROGRESS
    until: str  # the certificate's expiry day, or ""
    certificate: str
    details: str  # in plain words

    def row(self) -> tuple[str, ...]:
        return (self.trainee, self.name, self.clinic, self.status, self.until, self.certificate, self.details)


def standings(records: Iterable[Record], people: Mapping[str, Mapping[str, Any]], on: date,
              within_days: int) -> list[Standing]:
    """The standing on day ``on`` of each of ``people`` (trainee ID -> {name, clinic}), in ID order;
    "expiring" means due for recertification within ``within_days`` (as ``expiring --within``)."""
    records = list(records)
    latest = latest_per_trainee(records)
    due = {certificate.trainee for certificate in due_for_recertification(records, on, within_days)}
    decisions = {r.trainee: r for r in records if r.kind == DECISION and r.trainee}
    rows = []
    for trainee, person in sorted(people.items()):
        certificate = latest.get(trainee)
        base = (trainee, str(person.get("name", "")), str(person.get("clinic", "")))
        if certificate is None:
            decision = decisions.get(trainee)
            missing = " ".join(decision.data["reasons"]) if decision else "no certification decision yet"
            rows.append(Standing(*base, IN_PROGRESS, "", "", f"missing: {missing}" if decision else missing))
            continue
        status, expires = certificate.status(on), certificate.expires
        if status == REVOKED:
            revocation = certificate.revocation.data if certificate.revocation else {}
            details = f"revoked on {revocation.get('date')}: {revocation.get('reason')}"
        elif status == EXPIRED:
            details = f"expired on {expires} ({(on - expires).days} days ago): recertify"
        elif trainee in due:
            status, details = EXPIRING, f"expires on {expires}, in {(expires - on).days} days: recertify"
        else:
            status, details = CERTIFIED, f"certified until {expires}"
        rows.append(Standing(*base, status, expires.isoformat(), certificate.id, details))
    return rows
