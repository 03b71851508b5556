"""Observations an assessor records on the course server: signed, with the assessor's identity inside.

A real course with real issuer keys. An authenticated observation's signature is
checked with an independent JOSE library (PyJWT; mesocourse signs with joserfc)
against the published JWK set; a changed record or a self-reported one
(``mesocourse observe``) is not authenticated; and with
``authenticated_observations_only`` only signed observations count towards certification.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from pathlib import Path

import jwt
import pytest
from certification_builders import ISSUER, Trainee, build_course, observe

from course.certification import cohort_certification
from course.certification.cohort_certification import certify_cohort
from course.certification.keys import Issuer
from course.certification.observation import (
    AUTHENTICATED,
    SELF_REPORTED,
    authenticated_payload,
    is_authenticated,
    observation_payload,
    record_observations,
)
from course.certification.registry import OBSERVATION, Registry
from course.cli import main
from course.coursedir import Course
from course.knowledge import load

REQUIRED = (("consultation_screening", 2), ("facial_session", 3))
DAY = date.today() - timedelta(days=10)


@pytest.fixture
def course(tmp_path: Path) -> Course:
    course = build_course(tmp_path / "course", [Trainee("signed", "Sig", "Ned"), Trainee("typed", "Ty", "Ped")])
    assert main(["keys", "init", "--course", str(course), *ISSUER]) == 0
    return Course.open(course)


def registry(course: Course) -> str:
    return f"sqlite:///{course.root / 'certification' / 'registry.db'}"


def record_signed(course: Course, trainee: str, hub_user: str = "rita") -> None:
    issuer = Issuer(course.issuer_folder)
    payloads = [authenticated_payload(issuer, observation_payload(trainee, procedure, "Rita Assessor", 3, DAY,
                                                                  "steady hands; explain aftercare sooner"), hub_user)
                for procedure, count in REQUIRED for _ in range(count)]
    record_observations(registry(course), hub_user, payloads, course=course)


def observations_of(course: Course, trainee: str) -> list[dict]:
    with Registry(registry(course), create=False) as opened:
        return [r.data for r in opened.records(kind=OBSERVATION) if r.trainee == trainee]


def test_the_signature_carries_the_assessors_identity_and_verifies_with_pyjwt(course: Course) -> None:
    record_signed(course, "signed")
    jwks = json.loads(Issuer(course.issuer_folder).jwks_file.read_text())
    keys = Issuer(course.issuer_folder).public_keys()
    for data in observations_of(course, "signed"):
        header = jwt.get_unverified_header(data["signature"])
        key = jwt.PyJWK({k: v for k, v in next(k for k in jwks["keys"] if k["kid"] == header["kid"]).items()})
        signed = json.loads(jwt.api_jws.decode(data["signature"], key.key, algorithms=["EdDSA"]))
        assert signed["assessor_identity"] == {"hub_user": "rita", "authenticated_by": "JupyterHub"}
        assert signed == {k: v for k, v in data.items() if k != "signature"} and signed["provenance"] == AUTHENTICATED
        assert is_authenticated(data, keys)
        assert not is_authenticated({**data, "entrustment": 5}, keys)  # changed after signing
        assert not is_authenticated({**data, "assessor_identity": {"hub_user": "mallory"}}, keys)
        assert not is_authenticated(data, None)


def test_the_command_line_records_self_reported_observations(course: Course) -> None:
    observe(registry(course), "typed", "facial_session", 3, DAY.isoformat(), course=course.root)
    (data,) = observations_of(course, "typed")
    assert data["provenance"] == SELF_REPORTED and "signature" not in data
    assert not is_authenticated(data, Issuer(course.issuer_folder).public_keys())
    assert not is_authenticated({**data, "provenance": AUTHENTICATED}, Issuer(course.issuer_folder).public_keys())


@pytest.mark.parametrize("authenticated_only", [False, True])
def test_the_framework_may_count_only_authenticated_observations(course: Course, authenticated_only: bool,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    kb = load()
    framework = kb.certification.model_copy(update={"authenticated_observations_only": authenticated_only})
    monkeypatch.setattr(cohort_certification, "load", lambda: dataclasses.replace(kb, certification=framework))
    record_signed(course, "signed")
    for procedure, count in REQUIRED:
        for _ in range(count):
            observe(registry(course), "typed", procedure, 3, DAY.isoformat(), course=course.root)
    outcomes = {o.trainee.id: o for o in certify_cohort(course, registry(course), by="tester")}
    assert outcomes["signed"].outcome == "certified"
    assert outcomes["typed"].outcome == ("not yet certified" if authenticated_only else "certified")
    if authenticated_only:
        assert any("self-reported" in line for line in outcomes["typed"].explanation)
