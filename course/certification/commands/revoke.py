"""``mesocourse revoke CERT_ID --reason ...``: record a revocation (the certificate stays on record)."""

from __future__ import annotations

import argparse

from ..errors import CertificationError
from ..history import certificates
from ..issuing import course_issuer, publish_revocations
from ..registry import REVOCATION
from .common import add_day, add_registry, day, open_registry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("certificate", metavar="CERT_ID")
    parser.add_argument("--reason", required=True, help="why, in plain words (stored in the registry)")
    add_day(parser, "effective day (default: today)")
    add_registry(parser, writer=True)


def run(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        raise CertificationError("--reason: empty; say why the certificate is revoked")
    with open_registry(args, create=False) as registry:
        with registry.transaction(args.by) as tx:
            certificate = certificates(tx.records(certificate_id=args.certificate)).get(args.certificate)
            if certificate is None:
                raise CertificationError(f"{args.certificate}: unknown certificate in {registry.display_url}")
            if certificate.revocation is not None:
                raise CertificationError(f"{args.certificate}: already revoked on {certificate.revocation.data['date']}")
            record = tx.append(REVOCATION, {
                "certificate_id": certificate.id, "trainee": certificate.trainee,
                "reason": args.reason.strip(), "date": day(args).isoformat(),
            }, trainee=certificate.trainee, certificate_id=certificate.id)
        status_list = publish_revocations(course_issuer(args.course), registry.records())
    print(f"revoked {certificate.id} ({certificate.record.data['name']}) on {day(args)}: {args.reason.strip()} "
          f"[registry record {record.seq}]" + (f"; status list re-signed: {status_list}" if status_list else ""))
    return 0
