"""Issuer keys, signed Open Badges 3.0 credentials, the signed status list and QR codes.

A real course is certified with real issuer keys; each credential is checked with
an independent JOSE library (PyJWT, while mesocourse signs with joserfc) against
the published JWK set, against the vendored 1EdTech schema, and with
``mesocourse verify --credential`` offline (no registry beside it).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import stat
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import jwt
import pytest
import zxingcpp
from certification_builders import ISSUER, Trainee, issuing_course
from PIL import Image
from pypdf import PdfReader

from course.certification.chain import verification_code
from course.certification.keys import Issuer
from course.certification.qr import qr_svg, verification_page, verification_url
from course.certification.registry import CERTIFICATE, Registry
from course.certification.statuslist import MIN_BITS, bit, encode
from course.cli import main

SCHEMA_FILE = Path(__file__).parent / "data" / "openbadges" / "ob_v3p0_achievementcredential_schema.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text())
BASE_URL = ISSUER[ISSUER.index("--url") + 1]


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Zoë (Unicode name) certified today with issuer keys."""
    return issuing_course(tmp_path_factory.mktemp("credentials") / "course", [Trainee("zoe", "Zoë", "Øre")])


@pytest.fixture
def copy(course: Path, tmp_path: Path) -> Path:
    """A copy of the course (keys keep their modes) to change."""
    return Path(shutil.copytree(course, tmp_path / "course"))


def certificate(course: Path):
    with Registry(f"sqlite:///{course / 'certification' / 'registry.db'}", create=False) as registry:
        (record,) = registry.records(kind=CERTIFICATE)
    return record


def credential_file(course: Path) -> Path:
    return course / "certification" / "certificates" / f"{certificate(course).certificate_id}.jwt"


def public(course: Path, name: str) -> Path:
    return course / "certification" / "public" / name


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def verify(capsys: pytest.CaptureFixture[str], path: Path, *options: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["verify", "--credential", str(path), *options])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# --- keys -------------------------------------------------------------------------
def test_private_keys_are_owner_only_and_never_published(course: Path) -> None:
    keys = course / "certification" / "keys"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    files = list(keys.iterdir())
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    published = json.loads(public(course, "jwks.json").read_text())
    assert [set(k) >= {"kty", "crv", "x", "kid"} and "d" not in k for k in published["keys"]] == [True]
    profile = json.loads(public(course, "issuer.json").read_text())
    assert profile["name"] == "Clinique Test" and profile["email"] == "certificates@clinic.example"


def test_keys_show(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["keys", "show", "--course", str(course)]) == 0
    kid = Issuer(course / "certification").active_kid()
    printed = capsys.readouterr().out
    assert f"issuer: Clinique Test <certificates@clinic.example> {BASE_URL}\nactive key: {kid}" in printed


def test_keys_init_twice_refuses_and_changes_nothing(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = course / "certification" / "keys"
    before = {f.name: f.read_bytes() for f in keys.iterdir()}
    jwks = public(course, "jwks.json").read_text()
    capsys.readouterr()
    assert main(["keys", "init", "--course", str(course), *ISSUER]) == 2
    assert "issuer keys already exist; refusing to overwrite them" in capsys.readouterr().err
    assert {f.name: f.read_bytes() for f in keys.iterdir()} == before
    assert public(course, "jwks.json").read_text() == jwks


def test_a_key_others_can_read_is_refused(copy: Path) -> None:
    issuer = Issuer(copy / "certification")
    key = issuer.keys_dir / f"{issuer.active_kid()}.pem"
    os.chmod(key, 0o644)
    with pytest.raises(ValueError, match=r"readable or writable by others \(mode 0644\); run chmod 600"):
        issuer.sign({"x": 1}, "JWT")


def test_rotation_keeps_old_credentials_verifiable(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old_kid = Issuer(copy / "certification").active_kid()
    assert main(["keys", "rotate", "--course", str(copy)]) == 0
    published = json.loads(public(copy, "jwks.json").read_text())["keys"]
    new_kid = Issuer(copy / "certification").active_kid()
    assert [k["kid"] for k in published] == [old_kid, new_kid] and old_kid != new_kid
    assert verify(capsys, credential_file(copy), "--course", str(copy))[0] == 0
    # the next record is checkpointed with the new key, and the registry still verifies
    assert main(["observe", "zoe", "--procedure", "facial_session", "--assessor", "Dr A", "--entrustment", "3",
                 "--date", date.today().isoformat(), "--course", str(copy), "--by", "tester"]) == 0
    assert jwt.get_unverified_header(public(copy, "checkpoint.jwt").read_text().strip())["kid"] == new_kid
    capsys.readouterr()
    assert main(["verify", "--registry", "--course", str(copy)]) == 0


# --- the credential -------------------------------------------------------------------
def test_the_credential_verifies_with_an_independent_jose_library(course: Path) -> None:
    """PyJWT (not joserfc, which signed it) with the published JWK set; it also checks nbf/exp."""
    token = credential_file(course).read_text().strip()
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt"
    key = jwt.PyJWKSet.from_json(public(course, "jwks.json").read_text())[header["kid"]]
    decoded = jwt.decode(token, key, algorithms=["EdDSA"], issuer=f"{BASE_URL}/issuer.json")
    record = certificate(course)
    assert decoded["validFrom"] == f"{record.data['issued']}T00:00:00Z"
    assert decoded["validUntil"] == f"{record.data['expires']}T00:00:00Z"
    assert decoded["mesocourseCertificate"]["verificationCode"] == verification_code(record.hash)


def test_one_changed_byte_fails(course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    token = credential_file(course).read_text().strip()
    header, payload, signature = token.split(".")
    key = jwt.PyJWKSet.from_json(public(course, "jwks.json").read_text())[jwt.get_unverified_header(token)["kid"]]
    content = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    later = content.replace(b'"validUntil": "', b'"validUntil": "3', 1)  # one byte more
    assert later != content
    changed_content = base64.urlsafe_b64encode(later).decode().rstrip("=")
    flipped = payload[:40] + ("A" if payload[40] != "A" else "B") + payload[41:]  # one character of the encoding
    for forged in (f"{header}.{changed_content}.{signature}", f"{header}.{flipped}.{signature}"):
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(forged, key, algorithms=["EdDSA"])
        path = tmp_path / "forged.jwt"
        path.write_text(forged)
        code, out = verify(capsys, path, "--issuer-keys", str(public(course, "jwks.json")))
        assert code == 3 and "TAMPERED or not genuine" in out and "signature does not verify" in out


def test_the_credential_matches_the_open_badges_3_schema(course: Path) -> None:
    credential = claims(credential_file(course).read_text())
    validator = jsonschema.Draft201909Validator(SCHEMA)
    validator.validate(credential)
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    subject = credential["credentialSubject"]
    achievement_schema = {**SCHEMA["$defs"]["Achievement"], "$defs": SCHEMA["$defs"]}
    competencies = subject["competencies"]
    assert {c["achievementType"] for c in competencies} == {"Competency"} and len(competencies) == 5
    for competency in competencies:
        jsonschema.Draft201909Validator(achievement_schema).validate(competency)
        assert competency["criteria"]["narrative"].startswith("At least ")
    assert subject["achievement"]["achievementType"] == "Certificate"
    values = {r["resultDescription"].rsplit("#", 1)[1]: r.get("value", r.get("achievedLevel"))
              for r in subject["result"]}
    assert values["restrictions"] == "supervised practice only" and values["entrustment"].endswith("#entrustment-3")
    assert values["competency-screening"] == "100.0"
    genres = [e["genre"] for e in credential["evidence"]]
    assert genres.count("Assessment") == 2 and genres.count("Observed practice") == 5
    assert any("ps1" in e["name"] for e in credential["evidence"])
    # the validator is not a rubber stamp
    with pytest.raises(jsonschema.ValidationError, match="validFrom"):
        validator.validate({k: v for k, v in credential.items() if k != "validFrom"})


def test_the_trainee_is_a_salted_hash_of_the_id_and_the_name_never_an_email(course: Path) -> None:
    credential = claims(credential_file(course).read_text())
    hashed, name = credential["credentialSubject"]["identifier"]
    assert name == {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "Zoë Øre"}
    assert hashed["hashed"] is True and len(hashed["salt"]) == 32
    assert hashed["identityHash"] == "sha256$" + hashlib.sha256(f"zoe{hashed['salt']}".encode()).hexdigest()
    assert "@" not in json.dumps(credential["credentialSubject"])


# --- offline verification -------------------------------------------------------------
@pytest.fixture
def offline(course: Path, tmp_path: Path) -> Path:
    """What an employer holds: the credential, the published keys and status list; no registry."""
    folder = tmp_path / "employer"
    folder.mkdir()
    for source in (credential_file(course), public(course, "jwks.json"), public(course, "status-list.jwt")):
        shutil.copy(source, folder / source.name)
    return folder


def offline_verify(capsys: pytest.CaptureFixture[str], folder: Path, *options: str) -> tuple[int, str]:
    (credential,) = folder.glob("MC-*.jwt")
    return verify(capsys, credential, "--issuer-keys", str(folder / "jwks.json"), "--course", str(folder), *options)


def test_valid_offline_without_any_database(offline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = offline_verify(capsys, offline, "--status-list", str(offline / "status-list.jwt"))
    assert code == 0 and f": valid on {date.today()}" in out
    assert "awarded to Zoë Øre; issued by Clinique Test" in out and "Entrustment level: 3 (indirect supervision)" in out
    assert "revocation checked against the status list" in out
    assert not list(offline.rglob("*.db"))
    code, out = offline_verify(capsys, offline, "--trainee-id", "zoe")
    assert code == 0 and "the trainee ID zoe matches the credential's holder" in out
    code, out = offline_verify(capsys, offline, "--trainee-id", "bo")
    assert code == 1 and "does NOT match" in out


def test_expired_and_not_yet_valid(offline: Path, course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expires = date.fromisoformat(certificate(course).data["expires"])
    assert offline_verify(capsys, offline, "--date", str(expires - timedelta(days=1)))[0] == 0
    code, out = offline_verify(capsys, offline, "--date", str(expires))
    assert code == 1 and f": expired on {expires}" in out
    code, out = offline_verify(capsys, offline, "--date", str(date.today() - timedelta(days=1)))
    assert code == 1 and "not yet valid" in out


def test_revoked_after_revoke_and_a_fresh_status_list(copy: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    credential, stale = credential_file(copy), tmp_path / "stale-status-list.jwt"
    shutil.copy(public(copy, "status-list.jwt"), stale)
    keys = ("--issuer-keys", str(public(copy, "jwks.json")))
    assert verify(capsys, credential, *keys, "--status-list", str(stale))[0] == 0
    assert main(["revoke", certificate(copy).certificate_id, "--reason", "entrustment withdrawn after an incident",
                 "--course", str(copy), "--by", "Director"]) == 0
    code, out = verify(capsys, credential, *keys, "--status-list", str(public(copy, "status-list.jwt")))
    assert code == 1 and ": revoked on" in out
    assert verify(capsys, credential, *keys, "--status-list", str(stale))[0] == 0  # why a fresh list matters
    # a status list edited to un-revoke is not the issuer's any more
    forged = tmp_path / "forged-status-list.jwt"
    forged.write_text(public(copy, "status-list.jwt").read_text().replace(".", ".e", 1))
    assert verify(capsys, credential, *keys, "--status-list", str(forged))[0] == 3


def test_bad_input_is_one_clear_error(course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = ("--issuer-keys", str(public(course, "jwks.json")))
    garbage = tmp_path / "not-a-credential.jwt"
    garbage.write_text("hello")
    code, out = verify(capsys, garbage, *keys)
    assert code == 2 and "not a compact JWS" in out and "Traceback" not in out
    code, out = verify(capsys, tmp_path / "missing.jwt", *keys)
    assert code == 2 and "missing.jwt: cannot read the credential" in out
    code, out = verify(capsys, credential_file(course), "--issuer-keys", str(garbage))
    assert code == 2 and "not a JWK set" in out


def test_status_list_bits_follow_the_specification() -> None:
    encoded = encode([0, 9, MIN_BITS - 1])
    assert encoded.startswith("u")
    assert [bit(encoded, i) for i in (0, 1, 8, 9, MIN_BITS - 1)] == [True, False, False, True, True]
    raw = __import__("gzip").decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) == MIN_BITS // 8 and raw[0] == 0x80 and raw[1] == 0x40  # index 0 = leftmost bit
    assert bit(encode([MIN_BITS + 5]), MIN_BITS + 5)  # the list grows past the minimum
    with pytest.raises(ValueError, match="beyond the list"):
        bit(encode([]), MIN_BITS)


# --- QR codes ---------------------------------------------------------------------------
def test_the_qr_code_on_the_pdf_decodes_to_the_verification_url(course: Path) -> None:
    record = certificate(course)
    expected = verification_url(verification_page(BASE_URL), record.certificate_id, verification_code(record.hash))
    assert expected == f"{BASE_URL}/verify/?id={record.certificate_id}&code={verification_code(record.hash)}"
    pdf = PdfReader(course / "certification" / "certificates" / f"{record.certificate_id}.pdf")
    images = [image for page in pdf.pages for image in page.images]
    assert len(images) == 1
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(images[0].data)))
    assert [(d.format.name, d.text) for d in decoded] == [("QRCode", expected)]


def test_the_html_certificate_carries_the_same_qr_code(course: Path) -> None:
    record = certificate(course)
    expected = verification_url(verification_page(BASE_URL), record.certificate_id, verification_code(record.hash))
    page = (course / "certification" / "certificates" / f"{record.certificate_id}.html").read_text("utf-8")
    assert qr_svg(expected) in page  # segno draws the payload it was given
    assert f"Scan to verify: {expected.replace('&', '&amp;')}" in page
