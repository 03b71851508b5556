"""Observed practice: an observation checked against the framework, then recorded.

:func:`observation_payload` checks one observed procedure (known procedure, a
level on the entrustment scale, a named trainee and assessor, a day not in the
future) and returns the registry payload; :func:`record_observations` appends
payloads to an intact registry, one transaction each.

Every record says how it was made (``provenance``): ``self-reported`` from the
command line (the assessor is a typed name: nothing proves who observed), or
``authenticated`` (:func:`authenticated_payload`): the assessor's hub identity is
inside a payload signed with the issuer's key, so an independent JOSE library can
check who recorded it and that nothing was changed since. With
``authenticated_observations_only`` in ``certification.yaml`` only the latter count
(:func:`is_authenticated`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from course.coursedir import Course
from course.knowledge import load

from .chain import Record
from .checkpoints import open_guarded
from .errors import CertificationError
from .keys import BadSignature, Issuer, verify_signed
from .registry import OBSERVATION, require_actor

SELF_REPORTED, AUTHENTICATED = "self-reported", "authenticated"
SIGNED_TYPE = "observation+jwt"


def observation_payload(trainee: str, procedure: str, assessor: str, entrustment: int, observed: date,
                        notes: str = "") -> dict[str, Any]:
    """The observation as the registry stores it; every field checked against the framework."""
    framework = load().certification
    procedures = [p.id for p in framework.observed_practice]
    top = len(framework.entrustment_scale)
    if procedure not in procedures:
        raise CertificationError(f"--procedure: unknown procedure '{procedure}' (known: {', '.join(procedures)})")
    if not 1 <= entrustment <= top:
        raise CertificationError(f"--entrustment: {entrustment} is not on the entrustment scale (1-{top})")
    for option, value in (("TRAINEE", trainee), ("--assessor", assessor)):
        if not value.strip():
            raise CertificationError(f"{option}: empty")
    if observed > date.today():
        raise CertificationError(f"--date: {observed} is in the future")
    return {
        "trainee": trainee.strip(), "procedure": procedure, "assessor": assessor.strip(),
        "entrustment": entrustment, "entrustment_name": framework.level_name(entrustment),
        "date": observed.isoformat(), "notes": notes.strip(), "provenance": SELF_REPORTED,
    }


def authenticated_payload(issuer: Issuer, payload: dict[str, Any], hub_user: str) -> dict[str, Any]:
    """``payload`` recorded by the hub user ``hub_user`` (authenticated by the hub, never typed):
    their identity inside, and the whole signed with the issuer's key (``signature``, compact JWS)."""
    if not hub_user.strip():
        raise CertificationError("an authenticated observation needs the assessor's hub identity")
    signed = {**payload, "assessor_identity": {"hub_user": hub_user, "authenticated_by": "JupyterHub"},
              "provenance": AUTHENTICATED}
    return {**signed, "signature": issuer.sign(signed, SIGNED_TYPE)}


def is_authenticated(data: dict[str, Any], keys: Any) -> bool:
    """Whether an observation record is authenticated: marked so, and its signature, made with one of
    the issuer's ``keys`` (a KeySet; None: no keys, nothing verifies), covers exactly what it says."""
    if data.get("provenance") != AUTHENTICATED or keys is None or not isinstance(data.get("signature"), str):
        return False
    try:
        _, signed = verify_signed(data["signature"], keys, "observation")
    except BadSignature:
        return False
    return signed == {key: value for key, value in data.items() if key != "signature"}


def record_observations(registry_url: str, by: str, payloads: Iterable[dict[str, Any]], *,
                        course: Course) -> list[Record]:
    """Append each observation to the registry at ``registry_url`` (created if needed) as
    ``by``; with the course's issuer keys each transaction signs a checkpoint."""
    require_actor(by)
    with open_guarded(registry_url, course, create=True, writer=True) as registry:
        records = []
        for payload in payloads:
            with registry.transaction(by) as tx:
                records.append(tx.append(OBSERVATION, payload, trainee=str(payload["trainee"])))
    return records
