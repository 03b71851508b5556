"""Open Badges 3.0 credentials: each certificate as a signed ``OpenBadgeCredential``.

The credential is a W3C Verifiable Credential (data model 2.0 and Open Badges 3.0
contexts) secured as a compact JWS (VC-JOSE: header ``typ: vc+jwt``, the
credential itself as the JWT claims set, plus ``iss``/``jti``/``nbf``/``exp`` so
any JWT library checks the validity window too). It is drawn from the registry
record of the certificate, like the PDF and HTML, and verifies offline with the
issuer's published public keys (``verify_credential``).

Content: the ``issuer`` profile; ``validFrom`` = issue day, ``validUntil`` =
expiry day; ``credentialSubject.achievement`` = the certificate (achievement type
Certificate, its criteria, an alignment to each competency, a result description
per competency, for the entrustment level and for restrictions) with one
``result`` each; ``credentialSubject.competencies`` = each competency as an
``Achievement`` of type Competency with its criteria (an extension property: an
Open Badges credential names one achievement); ``evidence`` = the assessments and
the observed procedures by name and date; ``credentialStatus`` = the certificate's
bit in the signed revocation list. The trainee appears as a salted SHA-256 of
their trainee ID plus their name, never an e-mail address.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

from course.knowledge.schema import CertificationFile

from .certificates import STATEMENT, TITLE
from .chain import Record, verification_code
from .decide import percent
from .keys import Issuer
from .statuslist import JWS_TYPE, status_entry

CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
SCHEMA = {"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
          "type": "1EdTechJsonSchemaValidator2019"}


def midnight(day: str) -> datetime:
    """A registry day (YYYY-MM-DD) as the start of that day, UTC."""
    return datetime.combine(date.fromisoformat(day), time(0), tzinfo=timezone.utc)


def _timestamp(day: str) -> str:
    return midnight(day).isoformat().replace("+00:00", "Z")


def identity_hash(trainee: str, salt: str) -> str:
    """Open Badges ``IdentityHash``: SHA-256 over the identifier followed by the salt."""
    return "sha256$" + hashlib.sha256(f"{trainee}{salt}".encode()).hexdigest()


def identity(trainee: str, name: str, salt: str) -> list[dict[str, Any]]:
    """The trainee as Open Badges identity objects: salted hash of the ID, and the name."""
    return [
        {"type": "IdentityObject", "identityType": "identifier", "hashed": True,
         "identityHash": identity_hash(trainee, salt), "salt": salt},
        {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": name},
    ]


def _competency_achievement(base: str, competency: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{base}/achievements/competency/{competency['id']}", "type": ["Achievement"],
        "achievementType": "Competency", "name": competency["name"],
        "description": f"mesocourse competency '{competency['id']}': {competency['name']}.",
        "criteria": {"narrative": (
            f"At least {percent(competency['pass_mark'])} of the marks of the graded items tagged "
            f"'{competency['id']}', in the course's nbgrader assessments; every critical item needs full marks.")},
    }


def _certificate_achievement(base: str, data: Mapping[str, Any], competencies: Sequence[dict[str, Any]],
                             framework: CertificationFile) -> dict[str, Any]:
    achievement_id = f"{base}/achievements/certificate"
    procedures = "; ".join(f"{p.name}: {p.count} observation(s) at entrustment level {p.min_level} "
                           f"({framework.level_name(p.min_level)}) or higher" for p in framework.observed_practice)
    return {
        "id": achievement_id, "type": ["Achievement"], "achievementType": "Certificate", "name": TITLE,
        "description": STATEMENT,
        "criteria": {"narrative": (
            "Every competency reaches its pass mark (non-compensatory: "
            + ", ".join(f"{c['name']} {percent(c['pass_mark'])}" for c in data["competencies"])
            + "); no critical item failed; observed practice: " + procedures + ". "
            f"Valid {framework.validity_months} months. Framework sources: {data['framework_sources']}")},
        "alignment": [
            {"type": ["Alignment"], "targetName": c["name"], "targetUrl": c["id"],
             "targetCode": c["id"].rsplit("/", 1)[-1],
             "targetType": "ceasn:Competency", "targetFramework": "mesocourse competencies"}
            for c in competencies
        ],
        "resultDescription": [
            *({"id": f"{achievement_id}#competency-{c['id']}", "type": ["ResultDescription"],
               "name": f"{c['name']}: share of marks", "resultType": "Percent",
               "requiredValue": f"{c['pass_mark'] * 100:g}", "valueMin": "0", "valueMax": "100"}
              for c in data["competencies"]),
            {"id": f"{achievement_id}#entrustment", "type": ["ResultDescription"], "name": "Entrustment level",
             "resultType": "RubricCriterionLevel",
             "rubricCriterionLevel": [
                 {"id": f"{achievement_id}#entrustment-{e.level}", "type": ["RubricCriterionLevel"],
                  "name": e.name, "level": str(e.level), "description": e.text} for e in framework.entrustment_scale]},
            {"id": f"{achievement_id}#restrictions", "type": ["ResultDescription"],
             "name": "Restrictions on practice", "resultType": "ext:Restriction"},
        ],
    }


def _results(achievement_id: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        *({"type": ["Result"], "resultDescription": f"{achievement_id}#competency-{c['id']}",
           "value": f"{c['share'] * 100:.1f}"} for c in data["competencies"]),
        {"type": ["Result"], "resultDescription": f"{achievement_id}#entrustment",
         "achievedLevel": f"{achievement_id}#entrustment-{data['entrustment_level']}"},
        *({"type": ["Result"], "resultDescription": f"{achievement_id}#restrictions", "value": restriction}
          for restriction in (data["restrictions"] or ["none"])),
    ]


def _evidence(assessments: Sequence[tuple[str, str]], observations: Sequence[Record],
              framework: CertificationFile) -> list[dict[str, Any]]:
    names = {p.id: p.name for p in framework.observed_practice}
    return [
        *({"type": ["Evidence"], "name": f"Assessment: {name}", "genre": "Assessment",
           "description": f"nbgrader assignment '{name}', graded; counted in the decision of {day}."}
          for name, day in assessments),
        *({"type": ["Evidence"], "name": f"Observed procedure: {names.get(o.data['procedure'], o.data['procedure'])}",
           "genre": "Observed practice",
           "description": f"{o.data['date']}: observed by {o.data['assessor']} at entrustment level "
                          f"{o.data['entrustment']} ({o.data['entrustment_name']}); registry record {o.seq}."}
          for o in observations),
    ]


def build_credential(certificate: Record, observations: Sequence[Record], assessments: Sequence[tuple[str, str]],
                     framework: CertificationFile, profile: Mapping[str, Any],
                     salt: str | None = None) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential of a certificate record.

    ``observations``: the observation records the decision counted; ``assessments``:
    (assignment name, day) pairs; ``profile``: the issuer profile.
    """
    data, base = certificate.data, profile["url"]
    competencies = [_competency_achievement(base, c) for c in data["competencies"]]
    achievement = _certificate_achievement(base, data, competencies, framework)
    credential_id = f"{base}/credentials/{data['certificate_id']}"
    valid_from, valid_until = midnight(data["issued"]), midnight(data["expires"])
    return {
        "@context": CONTEXTS, "id": credential_id, "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{TITLE} {data['certificate_id']}", "description": STATEMENT,
        "issuer": dict(profile), "validFrom": _timestamp(data["issued"]), "validUntil": _timestamp(data["expires"]),
        "awardedDate": _timestamp(data["issued"]),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": identity(data["trainee"], data["name"], salt or secrets.token_hex(16)),
            "achievement": achievement, "result": _results(achievement["id"], data),
            "competencies": competencies,
        },
        "evidence": _evidence(assessments, observations, framework),
        "credentialStatus": status_entry(dict(profile), certificate.seq),
        "credentialSchema": [SCHEMA],
        "mesocourseCertificate": {"certificateId": data["certificate_id"],
                                  "verificationCode": verification_code(certificate.hash),
                                  "registryRecord": certificate.seq, "supersedes": data["supersedes"]},
        # JWT claims (RFC 7519), the same facts, for JWT libraries
        "iss": profile["id"], "jti": credential_id,
        "nbf": int(valid_from.timestamp()), "exp": int(valid_until.timestamp()),
        "iat": int(datetime.now(timezone.utc).timestamp()),
    }


def counted_observations(decision: Record, history: Sequence[Record]) -> list[Record]:
    """The observation records a decision counted, in registry order."""
    counted = {seq for p in decision.data["observed_practice"].values() for seq in p["observation_records"]}
    return [record for record in history if record.seq in counted]


def issue_credential(issuer: Issuer, certificate: Record, observations: Sequence[Record],
                     assessments: Sequence[tuple[str, str]], framework: CertificationFile, directory: Path) -> Path:
    """Sign the certificate's credential and write ``CERT_ID.jwt`` into ``directory``."""
    credential = build_credential(certificate, observations, assessments, framework, issuer.profile())
    path = directory / f"{certificate.certificate_id}.jwt"
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(issuer.sign(credential, JWS_TYPE) + "\n", encoding="utf-8")
    return path
