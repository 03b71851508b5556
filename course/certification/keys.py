"""The issuing body's signing keys and its published identity.

An issuer is a folder (default ``DIR/certification``; ``$MESOCOURSE_ISSUER`` moves
it, e.g. for several courses sharing one registry) with two parts:

* ``keys/`` (mode 0700): the Ed25519 private keys, one PEM file per key (0600),
  and ``active`` naming the key that signs now. Never in the registry database:
  losing or rotating a key never touches a record, and a copy of the database
  does not carry the power to sign.
* ``public/``: what the clinic publishes beside its certificates and anyone may
  copy: ``jwks.json`` (every public key ever used, each under its RFC 7638
  thumbprint as ``kid``, so credentials signed before a rotation still verify),
  ``issuer.json`` (the Open Badges issuer profile: name, URL, contact), the
  signed revocation status list and the signed registry checkpoint.

Signatures are compact JWS with ``EdDSA`` (Ed25519), through ``joserfc``.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import CertificationError

ALGORITHM = "EdDSA"  # Ed25519; the name every JOSE library knows (RFC 8037)
PRIVATE_DIR_MODE, PRIVATE_FILE_MODE = 0o700, 0o600


def _quiet_joserfc() -> None:
    """joserfc flags the name 'EdDSA' as superseded by 'Ed25519' (RFC 9864); PyJWT and
    most verifiers know only 'EdDSA', so the wider-known name is kept on purpose."""
    warnings.filterwarnings("ignore", message="EdDSA is deprecated", module="joserfc")


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` readable by its owner only; never overwrite."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(path, PRIVATE_FILE_MODE)  # whatever the umask


def write_public(path: Path, text: str) -> None:
    """Replace a published file in one step (readers never see half a file; two
    writers at once each replace it whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(temporary, 0o644)  # published: readable by all
    os.replace(temporary, path)


def load_jwks(path: Path) -> Any:
    """A JWK set file as a joserfc ``KeySet``; a clear error for a missing or bad file."""
    from joserfc.jwk import KeySet

    try:
        return KeySet.import_key_set(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise CertificationError(f"{path}: no issuer keys there (give --issuer-keys jwks.json)") from None
    except (ValueError, KeyError, TypeError) as error:
        raise CertificationError(f"{path}: not a JWK set ({error})") from None


@dataclass(frozen=True)
class Issuer:
    """An issuer folder (see the module docstring)."""

    folder: Path

    @property
    def keys_dir(self) -> Path:
        return self.folder / "keys"

    @property
    def public_dir(self) -> Path:
        return self.folder / "public"

    @property
    def jwks_file(self) -> Path:
        return self.public_dir / "jwks.json"

    @property
    def profile_file(self) -> Path:
        return self.public_dir / "issuer.json"

    @property
    def status_list_file(self) -> Path:
        return self.public_dir / "status-list.jwt"

    @property
    def checkpoint_file(self) -> Path:
        return self.public_dir / "checkpoint.jwt"

    @property
    def initialised(self) -> bool:
        return (self.keys_dir / "active").is_file()

    def init(self, name: str, url: str, email: str) -> str:
        """Create the first key and publish it with the issuer profile; returns its kid.

        Refuses when a key or a published key set is already there.
        """
        for field, value in (("--name", name), ("--url", url), ("--email", email)):
            if not value.strip():
                raise CertificationError(f"{field}: empty; the issuer profile needs it")
        if not url.startswith(("https://", "http://")):
            raise CertificationError(f"--url: '{url}' is not a web address (https://...)")
        if self.keys_dir.exists() and any(self.keys_dir.iterdir()) or self.jwks_file.exists():
            raise CertificationError(
                f"{self.folder}: issuer keys already exist; refusing to overwrite them "
                "(`mesocourse keys rotate` adds a new key and keeps the old public ones)")
        profile = {"id": url.rstrip("/") + "/issuer.json", "type": ["Profile"], "name": name.strip(),
                   "url": url.rstrip("/"), "email": email.strip()}
        write_public(self.profile_file, json.dumps(profile, indent=2, ensure_ascii=False) + "\n")
        return self._new_key()

    def rotate(self) -> tuple[str | None, str]:
        """(old kid, new kid): a new active key; the old private key stays (unused), its public
        key stays published. Also the way back after losing the private keys (old kid None):
        the registry and every published key are untouched."""
        if not self.jwks_file.exists():
            raise CertificationError(f"{self.folder}: no issuer keys to rotate (run `mesocourse keys init`)")
        return (self.active_kid() if self.initialised else None), self._new_key()

    def _new_key(self) -> str:
        from joserfc.jwk import OKPKey

        self.keys_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.keys_dir, PRIVATE_DIR_MODE)
        key = OKPKey.generate_key("Ed25519")
        kid = key.thumbprint()
        _write_private(self.keys_dir / f"{kid}.pem", key.as_pem(private=True))
        published = json.loads(self.jwks_file.read_text("utf-8")) if self.jwks_file.exists() else {"keys": []}
        published["keys"].append(key.as_dict(private=False) | {"kid": kid, "alg": ALGORITHM, "use": "sig"})
        write_public(self.jwks_file, json.dumps(published, indent=2) + "\n")
        active = self.keys_dir / "active"
        active.unlink(missing_ok=True)
        _write_private(active, kid.encode())
        return kid

    def active_kid(self) -> str:
        if not self.initialised:
            raise CertificationError(f"{self.folder}: no issuer key (run `mesocourse keys init`)")
        return (self.keys_dir / "active").read_text().strip()

    def signing_key(self) -> tuple[str, Any]:
        """(kid, private key) of the active key; refused if others can read it."""
        from joserfc.jwk import OKPKey

        kid = self.active_kid()
        path = self.keys_dir / f"{kid}.pem"
        for checked in (self.keys_dir, path):
            mode = stat.S_IMODE(checked.stat().st_mode)
            if mode & 0o077:
                raise CertificationError(
                    f"{checked}: readable or writable by others (mode {mode:04o}); "
                    f"run chmod {'700' if checked.is_dir() else '600'} {checked}")
        return kid, OKPKey.import_key(path.read_bytes())

    def profile(self) -> dict[str, Any]:
        """The published issuer profile (Open Badges ``Profile``)."""
        try:
            return json.loads(self.profile_file.read_text("utf-8"))
        except FileNotFoundError:
            raise CertificationError(f"{self.profile_file}: no issuer profile (run `mesocourse keys init`)") from None

    def public_keys(self) -> Any:
        return load_jwks(self.jwks_file)

    def sign(self, payload: dict[str, Any], typ: str) -> str:
        """``payload`` as a compact JWS signed with the active key."""
        from joserfc import jws

        _quiet_joserfc()
        kid, key = self.signing_key()
        header = {"alg": ALGORITHM, "kid": kid, "typ": typ}
        return jws.serialize_compact(header, json.dumps(payload, ensure_ascii=False).encode(), key,
                                     algorithms=[ALGORITHM])


class BadSignature(CertificationError):
    """A compact JWS that is malformed or whose signature does not verify."""


def verify_signed(token: str, keys: Any, what: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, payload) of a compact JWS signed by one of ``keys`` (a KeySet).

    Raises :class:`BadSignature` naming ``what`` when it is not genuine.
    """
    from joserfc import jws
    from joserfc.errors import JoseError

    _quiet_joserfc()
    try:
        verified = jws.deserialize_compact(token.strip(), keys, algorithms=[ALGORITHM])
        payload = json.loads(verified.payload)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        reason = str(error) or error.__class__.__name__
        raise BadSignature(f"{what}: the signature does not verify with the issuer's public keys "
                           f"(altered, or not signed by this issuer: {reason})") from None
    if not isinstance(payload, dict):
        raise BadSignature(f"{what}: signed content is not a JSON object")
    return verified.headers(), payload
