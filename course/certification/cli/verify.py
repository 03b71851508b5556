"""``mesocourse verify CERT_ID`` / ``mesocourse verify --registry``.

A certificate is valid, expired, revoked or unknown; before any of that, the whole
registry's hash chain is checked, and a broken chain makes the answer "registry
tampered". Exit status (``course.errors``): 0 valid or intact; 1 the verification
said no (expired, revoked, unknown, or a code that does not match); 3 tampered.
A registry is also checked against a signed checkpoint (``--checkpoint FILE``, or
the issuer's own when it exists): records removed from the end, a rewritten chain,
records appended without the key, and an edited checkpoint file are tampering too.
``--credential FILE.jwt`` verifies a signed credential offline, without any
database (``verify_credential``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from course.coursedir import REGISTRY_ENV, registry_url
from course.errors import SAID_NO, SUCCESS, TAMPERED

from ..chain import Record
from ..checkpoints import Checkpoint, checkpoint_problems, read_checkpoint
from ..errors import CertificationError
from ..history import VALID, certificates
from ..issuing import normalised_code
from ..keys import BadSignature, Issuer, load_jwks
from ..registry import Registry
from .common import add_course, add_day, course_of, day
from .verify_credential import add_credential_arguments, verify_credential_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("certificate", nargs="?", metavar="CERT_ID", help="certificate to verify")
    parser.add_argument("--registry", nargs="?", const="", metavar="URL",
                        help="without CERT_ID: check every record of the registry; URL: which registry "
                        f"(default: ${REGISTRY_ENV}, else DIR/certification/registry.db)")
    parser.add_argument("--code", metavar="CODE", help="verification code printed on the certificate, to compare")
    parser.add_argument("--checkpoint", nargs="?", const="", metavar="FILE",
                        help="also check the registry against a signed checkpoint (default FILE: the issuer's "
                        "public/checkpoint.jwt, which is used whenever it exists)")
    add_credential_arguments(parser)
    add_day(parser, "check validity on this day (default: today)")
    add_course(parser)


def checkpoint_check(args: argparse.Namespace, records: list[Record], used: list[Checkpoint]) -> list[str]:
    """How the records disagree with ``--checkpoint FILE``, else with the issuer's own
    checkpoint when there is one; the checkpoint is appended to ``used``."""
    issuer = Issuer(course_of(args).issuer_folder)
    path = Path(args.checkpoint) if args.checkpoint else issuer.checkpoint_file
    if args.checkpoint is None and not path.exists():
        return []
    used.append(read_checkpoint(path, load_jwks(args.issuer_keys or issuer.jwks_file)))
    return checkpoint_problems(used[0], records)


def run(args: argparse.Namespace) -> int:
    if args.credential is not None:
        return verify_credential_file(args)
    if args.certificate is None and args.registry is None:
        raise CertificationError("give CERT_ID, --registry to check every record, or --credential FILE.jwt")
    used: list[Checkpoint] = []
    try:
        with Registry(registry_url(args.registry or None, course_of(args)), create=False) as registry:
            records, problems = registry.check(lambda records: checkpoint_check(args, records, used))
    except BadSignature as error:
        print(f"checkpoint tampered: {error}")
        return TAMPERED
    checkpoint = used[0] if used else None
    if problems:
        print(f"registry tampered: {registry.display_url} ({len(records)} records)")
        for problem in problems:
            print(f"  - {problem}")
        return TAMPERED
    if args.certificate is None:
        head = records[-1].hash if records else "(empty)"
        print(f"registry intact: {len(records)} records, chain head {head} ({registry.display_url})")
        if checkpoint is not None:
            print(f"  matches the signed checkpoint: {checkpoint.describe()}")
        return SUCCESS
    certificate = certificates(records).get(args.certificate.strip())
    if certificate is None:
        print(f"{args.certificate}: unknown (no such certificate in {registry.display_url})")
        return SAID_NO
    data, on = certificate.record.data, day(args)
    status = certificate.status(on)
    print(f"{certificate.id}: {status} on {on}")
    print(f"  awarded to {data['name']} (trainee {certificate.trainee}); "
          f"issued {data['issued']}, expires {data['expires']}")
    print(f"  entrustment level {data['entrustment_level']} ({data['entrustment_name']}); "
          f"restrictions: {'; '.join(data['restrictions']) or 'none'}")
    print(f"  verification code {certificate.code}; {certificate.record.describe()}")
    if certificate.revocation:
        revocation = certificate.revocation
        print(f"  revoked on {revocation.data['date']} by {revocation.recorded_by}: {revocation.data['reason']}")
    if certificate.superseded_by:
        print(f"  superseded by {certificate.superseded_by}")
    if args.code is not None and normalised_code(args.code) != normalised_code(certificate.code):
        print(f"  the code {args.code} does NOT match this certificate's record: the document is not genuine")
        return SAID_NO
    return SUCCESS if status == VALID else SAID_NO
