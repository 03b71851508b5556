"""Revoking a certificate: a revocation record; the certificate itself stays on record."""

from __future__ import annotations

from datetime import date

from course.coursedir import Course

from .chain import Record
from .checkpoints import open_guarded
from .errors import CertificationError
from .history import Certificate, certificates
from .issuing import course_issuer, publish_revocations
from .registry import REVOCATION, require_actor


def revoke_certificate(registry_url: str, by: str, certificate_id: str, reason: str, on: date, *,
                       course: Course) -> tuple[Certificate, Record]:
    """Record the revocation of ``certificate_id`` on day ``on`` for ``reason``, as ``by``;
    returns the certificate and the revocation record. With the course's issuer keys the
    transaction signs a checkpoint and the status list is re-signed."""
    if not reason.strip():
        raise CertificationError("--reason: empty; say why the certificate is revoked")
    require_actor(by)
    with open_guarded(registry_url, course, create=False, writer=True) as registry:
        with registry.transaction(by) as tx:
            certificate = certificates(tx.records(certificate_id=certificate_id)).get(certificate_id)
            if certificate is None:
                raise CertificationError(f"{certificate_id}: unknown certificate in {registry.display_url}")
            if certificate.revocation is not None:
                raise CertificationError(f"{certificate_id}: already revoked on {certificate.revocation.data['date']}")
            record = tx.append(REVOCATION, {
                "certificate_id": certificate.id, "trainee": certificate.trainee,
                "reason": reason.strip(), "date": on.isoformat(),
            }, trainee=certificate.trainee, certificate_id=certificate.id)
        publish_revocations(course_issuer(course), registry.records())
    return certificate, record
