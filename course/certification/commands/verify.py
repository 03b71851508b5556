"""``mesocourse verify CERT_ID`` / ``mesocourse verify --registry``.

A certificate is valid, expired, revoked or unknown; before any of that, the whole
registry's hash chain is checked, and a broken chain makes the answer "registry
tampered". Exit status (``course.errors``): 0 valid or intact; 1 the verification
said no (expired, revoked, unknown, or a code that does not match); 3 tampered.
"""

from __future__ import annotations

import argparse

from course.coursedir import REGISTRY_ENV, registry_url
from course.errors import SAID_NO, SUCCESS, TAMPERED

from ..errors import CertificationError
from ..history import VALID, certificates
from ..registry import Registry
from .common import add_course, add_day, day


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("certificate", nargs="?", metavar="CERT_ID", help="certificate to verify")
    parser.add_argument("--registry", nargs="?", const="", metavar="URL",
                        help="without CERT_ID: check every record of the registry; URL: which registry "
                        f"(default: ${REGISTRY_ENV}, else DIR/certification/registry.db)")
    parser.add_argument("--code", metavar="CODE", help="verification code printed on the certificate, to compare")
    add_day(parser, "check validity on this day (default: today)")
    add_course(parser)


def _normalised(code: str) -> str:
    return code.upper().replace("-", "").replace(" ", "")


def run(args: argparse.Namespace) -> int:
    if args.certificate is None and args.registry is None:
        raise CertificationError("give CERT_ID, or --registry to check every record")
    with Registry(registry_url(args.registry or None, args.course), create=False) as registry:
        records, problems = registry.check()
    if problems:
        print(f"registry tampered: {registry.display_url} ({len(records)} records)")
        for problem in problems:
            print(f"  - {problem}")
        return TAMPERED
    if args.certificate is None:
        head = records[-1].hash if records else "(empty)"
        print(f"registry intact: {len(records)} records, chain head {head} ({registry.display_url})")
        return SUCCESS
    certificate = certificates(records).get(args.certificate.strip())
    if certificate is None:
        print(f"{args.certificate}: unknown (no such certificate in {registry.display_url})")
        return SAID_NO
    data, on = certificate.record.data, day(args)
    status = certificate.status(on)
    print(f"{certificate.id}: {status} on {on}")
    print(f"  awarded to {data['name']} (trainee {certificate.trainee}); issued {data['issued']}, expires {data['expires']}")
    print(f"  entrustment level {data['entrustment_level']} ({data['entrustment_name']}); "
          f"restrictions: {'; '.join(data['restrictions']) or 'none'}")
    print(f"  verification code {certificate.code}; {certificate.record.describe()}")
    if certificate.revocation:
        revocation = certificate.revocation
        print(f"  revoked on {revocation.data['date']} by {revocation.recorded_by}: {revocation.data['reason']}")
    if certificate.superseded_by:
        print(f"  superseded by {certificate.superseded_by}")
    if args.code is not None and _normalised(args.code) != _normalised(certificate.code):
        print(f"  the code {args.code} does NOT match this certificate's record: the document is not genuine")
        return SAID_NO
    return SUCCESS if status == VALID else SAID_NO
