"""Offline verification of a signed credential: signature, validity window, revocation.

Needs no database: only the credential, the issuer's published public keys
(``jwks.json``) and, for revocation, the issuer's signed status list. The answer
is one of ``valid``, ``not yet valid``, ``expired``, ``revoked``, or tampered
(the signature does not verify: the file was changed, or another key signed it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .credentials import identity_hash, midnight
from .errors import CertificationError
from .history import EXPIRED, REVOKED, VALID
from .keys import verify_signed
from .statuslist import bit, read_status_list

NOT_YET_VALID = "not yet valid"


@dataclass
class Verdict:
    status: str
    credential: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def _looks_like_jws(token: str) -> bool:
    parts = token.strip().split(".")
    return len(parts) == 3 and all(parts[:2])


def check_credential(token: str, keys: Any, on: date, status_list: str | None = None) -> Verdict:
    """The verdict on ``token`` on day ``on``.

    Raises ``BadSignature`` (tampering) when the signature fails, and
    ``CertificationError`` for input that is not a credential at all.
    """
    if not _looks_like_jws(token):
        raise CertificationError("the credential file is not a compact JWS (three base64url parts separated by '.')")
    _, credential = verify_signed(token, keys, "credential")
    if "OpenBadgeCredential" not in credential.get("type", ()):
        raise CertificationError("signed by the issuer, but not an OpenBadgeCredential")
    try:
        valid_from = midnight(credential["validFrom"][:10]).date()
        valid_until = midnight(credential["validUntil"][:10]).date()
    except (KeyError, ValueError, TypeError):
        raise CertificationError("credential: validFrom/validUntil missing or not dates") from None
    verdict = Verdict(VALID, credential)
    if on < valid_from:
        verdict.status = NOT_YET_VALID
    elif on >= valid_until:
        verdict.status = EXPIRED
    entry = credential.get("credentialStatus") or {}
    if status_list is None:
        verdict.notes.append(f"revocation not checked: no status list given (the issuer publishes it at "
                             f"{entry.get('statusListCredential', 'its status-list URL')}; pass it with --status-list)")
        return verdict
    listed = read_status_list(status_list, keys, "status list")
    if listed.get("id") != entry.get("statusListCredential"):
        raise CertificationError(f"the status list given is {listed.get('id')}, but the credential's is "
                                 f"{entry.get('statusListCredential')}")
    if bit(listed["encodedList"], int(entry["statusListIndex"])):
        verdict.status = REVOKED
    verdict.notes.append(f"revocation checked against the status list signed {listed.get('validFrom')}")
    return verdict


def holder_matches(credential: dict[str, Any], trainee_id: str) -> bool:
    """Whether ``trainee_id`` is the one hashed (with its salt) into the credential's subject."""
    for entry in credential.get("credentialSubject", {}).get("identifier", []):
        if entry.get("hashed") and entry.get("identityType") == "identifier":
            return entry.get("identityHash") == identity_hash(trainee_id.strip(), entry.get("salt", ""))
    return False
