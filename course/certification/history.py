"""What the registry's records say: observations, certificates and their status on a day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from .chain import Record, verification_code
from .registry import CERTIFICATE, OBSERVATION, REVOCATION

VALID, EXPIRED, REVOKED = "valid", "expired", "revoked"


@dataclass(frozen=True)
class Observation:
    seq: int
    procedure: str
    level: int
    day: date
    assessor: str
    authenticated: bool = False  # signed by the issuer with the assessor's hub identity (observation.is_authenticated)

    @classmethod
    def from_record(cls, record: Record, keys: Any = None) -> "Observation":
        from .observation import is_authenticated

        data = record.data
        return cls(record.seq, data["procedure"], data["entrustment"], date.fromisoformat(data["date"]),
                   data["assessor"], is_authenticated(data, keys))


@dataclass(frozen=True)
class Certificate:
    """A certificate record with its revocation and successor, if any."""

    record: Record
    revocation: Record | None = None
    superseded_by: str | None = None

    @property
    def id(self) -> str:
        return self.record.data["certificate_id"]

    @property
    def trainee(self) -> str:
        return self.record.data["trainee"]

    @property
    def issued(self) -> date:
        return date.fromisoformat(self.record.data["issued"])

    @property
    def expires(self) -> date:
        return date.fromisoformat(self.record.data["expires"])

    @property
    def code(self) -> str:
        return verification_code(self.record.hash)

    def status(self, on: date) -> str:
        """Revoked, expired (from its expiry day on) or valid."""
        if self.revocation is not None:
            return REVOKED
        return EXPIRED if on >= self.expires else VALID

    def due(self, on: date, window_days: int) -> bool:
        """Whether the holder needs recertification: not valid, or expiring within the window."""
        return self.status(on) != VALID or self.expires - on <= timedelta(days=window_days)

    def fresh_since(self) -> date:
        """Observed practice must postdate this day to count again: revocation, else issue."""
        if self.revocation is not None:
            return date.fromisoformat(self.revocation.data["date"])
        return self.issued


def observations(records: Iterable[Record], keys: Any = None) -> list[Observation]:
    """The observation records among ``records``; ``keys``: the issuer's public keys, to tell
    authenticated observations (None: none is)."""
    return [Observation.from_record(r, keys) for r in records if r.kind == OBSERVATION]


def certificates(records: Iterable[Record]) -> dict[str, Certificate]:
    """Certificates by ID, in issue order, with revocations and successors attached."""
    records = list(records)
    revocations = {r.certificate_id: r for r in records if r.kind == REVOCATION}
    issued = [r for r in records if r.kind == CERTIFICATE]
    successors = {r.data["supersedes"]: r.certificate_id for r in issued if r.data.get("supersedes")}
    return {
        cast(str, r.certificate_id): Certificate(r, revocations.get(r.certificate_id), successors.get(r.certificate_id))
        for r in issued
    }


def latest_per_trainee(records: Iterable[Record]) -> dict[str, Certificate]:
    """Each trainee's most recent certificate."""
    return {certificate.trainee: certificate for certificate in certificates(records).values()}


def due_for_recertification(records: Iterable[Record], on: date, within_days: int) -> list[Certificate]:
    """Each trainee's latest certificate that is expired or expires within ``within_days`` of
    ``on``, soonest first; revoked certificates are not listed."""
    latest = latest_per_trainee(records).values()
    return sorted((c for c in latest if c.status(on) != REVOKED and c.due(on, within_days)), key=lambda c: c.expires)
