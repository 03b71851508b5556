"""``mesocourse verify --credential FILE.jwt [--issuer-keys jwks.json] [--status-list FILE]``.

Offline: no database, no network. Exit status as ``verify``: 0 valid, 1 expired,
not yet valid or revoked, 2 bad input, 3 tampered (the signature does not verify).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from course.errors import SAID_NO, SUCCESS, TAMPERED

from ..errors import CertificationError
from ..history import VALID
from ..keys import BadSignature, Issuer, load_jwks
from ..offline import check_credential, holder_matches
from .common import course_of, day


def add_credential_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--credential", type=Path, metavar="FILE.jwt",
                        help="verify a signed Open Badges credential offline (no registry needed)")
    parser.add_argument("--issuer-keys", type=Path, metavar="JWKS",
                        help="the issuer's published jwks.json (default: the issuer's public/jwks.json)")
    parser.add_argument("--status-list", type=Path, metavar="FILE",
                        help="the issuer's signed status list, to check revocation")
    parser.add_argument("--trainee-id", metavar="ID",
                        help="the holder's trainee ID, checked against the credential's salted hash")


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CertificationError(f"{path}: cannot read the {what} ({error.__class__.__name__})") from None


def _describe(credential: dict) -> list[str]:
    subject = credential.get("credentialSubject", {})
    names = [i["identityHash"] for i in subject.get("identifier", []) if i.get("identityType") == "name"]
    extra = credential.get("mesocourseCertificate", {})
    issuer = credential.get("issuer", {})
    return [
        f"  awarded to {', '.join(names) or '(no name)'}; issued by {issuer.get('name')} ({issuer.get('url')})",
        f"  valid from {credential.get('validFrom')} until {credential.get('validUntil')}",
        *(f"  {result}" for result in _results(subject)),
        f"  certificate {extra.get('certificateId')}, verification code {extra.get('verificationCode')}",
    ]


def _results(subject: dict) -> list[str]:
    """One line per result: the result description's name and the value or level reached."""
    descriptions = {d["id"]: d for d in subject.get("achievement", {}).get("resultDescription", [])}
    levels = {level["id"]: f"{level['level']} ({level['name']})"
              for described in descriptions.values() for level in described.get("rubricCriterionLevel", [])}
    lines = []
    for result in subject.get("result", []):
        described = descriptions.get(result.get("resultDescription"), {})
        value = result.get("value") or levels.get(result.get("achievedLevel"), "?")
        lines.append(f"{described.get('name', 'result')}: "
                     f"{value}{'%' if described.get('resultType') == 'Percent' else ''}")
    return lines


def verify_credential_file(args: argparse.Namespace) -> int:
    """Print the verdict on ``--credential`` and return the exit status."""
    keys_file = args.issuer_keys or Issuer(course_of(args).issuer_folder).jwks_file
    keys = load_jwks(keys_file)
    token = _read(args.credential, "credential")
    status_list = _read(args.status_list, "status list") if args.status_list else None
    on = day(args)
    try:
        verdict = check_credential(token, keys, on, status_list)
    except BadSignature as error:
        print(f"{args.credential}: TAMPERED or not genuine: {error}")
        return TAMPERED
    print(f"{args.credential}: {verdict.status} on {on} (signature verified with {keys_file})")
    for line in _describe(verdict.credential):
        print(line)
    for note in verdict.notes:
        print(f"  note: {note}")
    if args.trainee_id is not None:
        if not holder_matches(verdict.credential, args.trainee_id):
            print(f"  the trainee ID {args.trainee_id} does NOT match the credential's holder")
            return SAID_NO
        print(f"  the trainee ID {args.trainee_id} matches the credential's holder")
    return SUCCESS if verdict.status == VALID else SAID_NO
