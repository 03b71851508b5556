"""Revocation published as a signed W3C Bitstring Status List (v1.0).

Each credential names one bit of the list (``credentialStatus.statusListIndex``:
the sequence number of its certificate record, unique and never reused); the bit
is 1 when the certificate is revoked. The list is a ``BitstringStatusListCredential``
signed by the issuer like the credentials, rebuilt from the registry by ``certify``
and ``revoke`` and published as ``public/status-list.jwt``: a verifier who holds
the list checks revocation offline, and learns nothing about who was checked.
``encodedList`` is the GZIP-compressed bitstring, base64url without padding, with
the multibase prefix ``u``; index 0 is the most significant bit of the first byte.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from .errors import CertificationError
from .keys import Issuer, verify_signed, write_public

MIN_BITS = 131_072  # 16 KiB: the specification's minimum, so a list does not single out anyone
PURPOSE = "revocation"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
JWS_TYPE = "vc+jwt"


def status_list_url(profile: dict[str, Any]) -> str:
    return f"{profile['url']}/status-list.jwt"


def status_entry(profile: dict[str, Any], index: int) -> dict[str, Any]:
    """A credential's ``credentialStatus``: its bit in the issuer's list."""
    url = status_list_url(profile)
    return {"id": f"{url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": PURPOSE,
            "statusListIndex": str(index), "statusListCredential": url}


def encode(revoked: Iterable[int]) -> str:
    """The ``encodedList`` with the bits at ``revoked`` set."""
    indexes = sorted(set(revoked))
    size = max(MIN_BITS, ((indexes[-1] // MIN_BITS) + 1) * MIN_BITS if indexes else MIN_BITS)
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def bit(encoded: str, index: int) -> bool:
    """Whether bit ``index`` of an ``encodedList`` is set (an index beyond the list is an error)."""
    if not encoded.startswith("u"):
        raise CertificationError("status list: encodedList is not multibase base64url (no 'u' prefix)")
    try:
        data = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    except (ValueError, OSError, EOFError) as error:
        raise CertificationError(f"status list: encodedList cannot be decoded ({error})") from None
    if index >= len(data) * 8:
        raise CertificationError(f"status list: index {index} is beyond the list's {len(data) * 8} entries")
    return bool(data[index // 8] & (0x80 >> (index % 8)))


def publish_status_list(issuer: Issuer, revoked: Iterable[int]) -> str:
    """Sign and write the issuer's status list with the ``revoked`` indexes set; returns the token."""
    profile = issuer.profile()
    url = status_list_url(profile)
    credential = {
        "@context": [VC_CONTEXT], "id": url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": profile["id"], "validFrom": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": PURPOSE,
                              "encodedList": encode(revoked)},
    }
    token = issuer.sign(credential, JWS_TYPE)
    write_public(issuer.status_list_file, token + "\n")
    return token


def read_status_list(token: str, keys: Any, what: str) -> dict[str, Any]:
    """The verified list's ``credentialSubject``."""
    _, credential = verify_signed(token, keys, what)
    subject = credential.get("credentialSubject") or {}
    if "BitstringStatusListCredential" not in credential.get("type", ()) or "encodedList" not in subject:
        raise CertificationError(f"{what}: signed, but not a BitstringStatusListCredential")
    return subject | {"issuer": credential.get("issuer"), "id": credential.get("id"),
                      "validFrom": credential.get("validFrom")}
