"""What a certificate is published as: PDF and HTML with a QR code, and, when the clinic
has issuer keys, a signed Open Badges credential and an up-to-date signed status list.

The thin layer ``certify_cohort`` and ``revoke`` call; without issuer
keys certificates are still issued, their QR code carrying the verify command.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from course.coursedir import Course
from course.knowledge.schema import CertificationFile

from .certificates import write_certificate
from .chain import Record
from .credentials import counted_observations, issue_credential
from .history import certificates
from .keys import Issuer
from .statuslist import publish_status_list


def course_issuer(course: Course) -> Issuer | None:
    """The course's issuer when it has keys (``mesocourse keys init``), else None."""
    issuer = Issuer(course.issuer_folder)
    return issuer if issuer.initialised else None


def publish_certificate(certificate: Record, decision: Record, history: Sequence[Record],
                        assessments: Sequence[tuple[str, str]], framework: CertificationFile,
                        out: Path, issuer: Issuer | None) -> list[Path]:
    """The certificate's files: PDF, HTML and (with an issuer) ``CERT_ID.jwt``."""
    written = list(write_certificate(certificate, out, issuer.profile()["url"] if issuer else None))
    if issuer is not None:
        written.append(issue_credential(issuer, certificate, counted_observations(decision, history),
                                        assessments, framework, out))
    return written


def publish_revocations(issuer: Issuer | None, records: Iterable[Record]) -> Path | None:
    """Re-sign the status list from the registry's revocations (nothing without an issuer)."""
    if issuer is None:
        return None
    publish_status_list(issuer, [c.record.seq for c in certificates(records).values() if c.revocation is not None])
    return issuer.status_list_file
