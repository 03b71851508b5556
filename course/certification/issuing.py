"""What a certificate is published as: PDF and HTML with a QR code, and, when the clinic
has issuer keys, a signed Open Badges credential and an up-to-date signed status list.

The thin layer ``certify_cohort`` and ``revoke`` call; without issuer
keys certificates are still issued, their QR code carrying the verify command.

Each signed credential is also published in the issuer's ``public/credentials/``,
under a name derived from its certificate ID *and* verification code
(:func:`published_name`): the verification page (``mesocourse verifier``, the hub's
``/services/verify/``) finds a certificate from the two values its QR code carries,
while nobody can list or guess the others without their codes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from course.coursedir import Course
from course.knowledge.schema import CertificationFile

from .certificates import write_certificate
from .chain import Record, verification_code
from .credentials import counted_observations, issue_credential
from .history import certificates
from .keys import Issuer, write_public
from .qr import verification_page
from .statuslist import publish_status_list

PUBLISHED_CREDENTIALS = "credentials"


def normalised_code(code: str) -> str:
    """A verification code as compared: upper case, without dashes or spaces."""
    return code.upper().replace("-", "").replace(" ", "")


def published_name(certificate_id: str, code: str) -> str:
    """The file name of a published credential: SHA-256 of ``ID:CODE`` (code normalised), hex,
    so only someone holding both finds it (``verifier.js`` computes the same)."""
    return hashlib.sha256(f"{certificate_id.strip()}:{normalised_code(code)}".encode()).hexdigest() + ".jwt"


def course_issuer(course: Course) -> Issuer | None:
    """The course's issuer when it has keys (``mesocourse keys init``), else None."""
    issuer = Issuer(course.issuer_folder)
    return issuer if issuer.initialised else None


def publish_certificate(certificate: Record, decision: Record, history: Sequence[Record],
                        assessments: Sequence[tuple[str, str]], framework: CertificationFile,
                        out: Path, issuer: Issuer | None) -> list[Path]:
    """The certificate's files: PDF, HTML and (with an issuer) ``CERT_ID.jwt``."""
    written = list(write_certificate(certificate, out, verification_page(issuer.profile()["url"]) if issuer else None))
    if issuer is not None:
        credential = issue_credential(issuer, certificate, counted_observations(decision, history),
                                      assessments, framework, out)
        name = published_name(str(certificate.certificate_id), verification_code(certificate.hash))
        write_public(issuer.public_dir / PUBLISHED_CREDENTIALS / name, credential.read_text(encoding="utf-8"))
        written.append(credential)
    return written


def publish_revocations(issuer: Issuer | None, records: Iterable[Record]) -> Path | None:
    """Re-sign the status list from the registry's revocations (nothing without an issuer)."""
    if issuer is None:
        return None
    publish_status_list(issuer, [c.record.seq for c in certificates(records).values() if c.revocation is not None])
    return issuer.status_list_file
