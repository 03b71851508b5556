"""``mesocourse revoke CERT_ID --reason ...``: record a revocation (the certificate stays on record)."""

from __future__ import annotations

import argparse

from course.coursedir import registry_url

from ..issuing import course_issuer
from ..revocation import revoke_certificate
from .common import add_day, add_registry, course_of, day


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("certificate", metavar="CERT_ID")
    parser.add_argument("--reason", required=True, help="why, in plain words (stored in the registry)")
    add_day(parser, "effective day (default: today)")
    add_registry(parser, writer=True)


def run(args: argparse.Namespace) -> int:
    on = day(args)
    course = course_of(args)
    certificate, record = revoke_certificate(registry_url(args.registry, course), args.by, args.certificate,
                                             args.reason, on, course=course)
    issuer = course_issuer(course)
    print(f"revoked {certificate.id} ({certificate.record.data['name']}) on {on}: {args.reason.strip()} "
          f"[registry record {record.seq}]" + (f"; status list re-signed: {issuer.status_list_file}" if issuer else ""))
    return 0
