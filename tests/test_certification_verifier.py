"""The certificate verification page in Chromium, as ``mesocourse verifier --out DIR`` writes it
and as the course server's ``/services/verify/`` serves it.

A real course is certified with real issuer keys. Each test runs twice: on the folder
the real command writes, served by a plain static file server on localhost (no server
of ours: the verdict comes from WebCrypto Ed25519 in the browser), and on the hub's
verification service's own Tornado app, which serves the same page with the issuer's
live files. Each answer is compared with ``mesocourse verify --credential`` on the
same files, offline. (The service inside a real hub, reached from a certificate's QR
code: ``test_hub_verify.py``.)
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from certification_builders import Trainee, issuing_course

from course.certification.chain import Record, verification_code
from course.certification.issuing import published_name
from course.certification.registry import CERTIFICATE, Registry
from course.cli import main

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@contextlib.contextmanager
def static_site(folder: Path) -> Iterator[str]:
    """Any static web host: Python's own file server on a free localhost port."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ann and Bo, certified today with issuer keys."""
    return issuing_course(tmp_path_factory.mktemp("verifier") / "course",
                          [Trainee("ann", "Ann", "Honest"), Trainee("bo", "Bo", "Second")])


@contextlib.contextmanager
def verify_service(public: Path) -> Iterator[str]:
    """The hub's verification service's app, on a free localhost port, in a thread of its own."""
    from tornado.httpserver import HTTPServer
    from tornado.netutil import bind_sockets

    from course.hub.service.verify import PREFIX, make_app

    sockets = bind_sockets(0, "127.0.0.1")
    loop = asyncio.new_event_loop()

    def run() -> None:
        asyncio.set_event_loop(loop)
        HTTPServer(make_app(str(public))).add_sockets(sockets)
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sockets[0].getsockname()[1]}{PREFIX.rstrip('/')}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()


@pytest.fixture(params=["static folder", "hub service"])
def site(course: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, str]]:
    """A copy of the course (to revoke in) and its verification page, served."""
    copy = Path(shutil.copytree(course, tmp_path / "course"))
    assert main(["verifier", "--out", str(tmp_path / "site"), "--course", str(copy)]) == 0
    served = (static_site(tmp_path / "site") if request.param == "static folder"
              else verify_service(copy / "certification" / "public"))
    with served as url:
        yield copy, url


def certificate_of(course: Path, trainee: str) -> Record:
    with Registry(f"sqlite:///{course / 'certification' / 'registry.db'}", create=False) as registry:
        (record,) = [r for r in registry.records(kind=CERTIFICATE) if r.trainee == trainee]
    return record


def credential_file(course: Path, record: Record) -> Path:
    return course / "certification" / "certificates" / f"{record.certificate_id}.jwt"


def verdict(page, url: str, **query: str) -> str:
    """Open the page with ``query``, wait for the answer; returns its status (data-status)."""
    page.goto(f"{url}/?{urlencode(query)}")
    page.wait_for_selector("#result[data-status]")
    return page.get_attribute("#result", "data-status")


def cli_verdict(course: Path, credential: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    """What ``mesocourse verify --credential`` says, offline, with the issuer's published files."""
    public = course / "certification" / "public"
    capsys.readouterr()
    main(["verify", "--credential", str(credential), "--issuer-keys", str(public / "jwks.json"),
          "--status-list", str(public / "status-list.jwt"), "--course", str(course), *extra])
    return capsys.readouterr().out


def test_the_command_publishes_each_credential_under_its_id_and_code_only(site: tuple[Path, str]) -> None:
    course, _ = site
    folder = course.parent / "site"
    ann = certificate_of(course, "ann")
    names = sorted(path.name for path in (folder / "credentials").iterdir())
    assert len(names) == 2 and published_name(ann.certificate_id, verification_code(ann.hash)) in names
    assert not any(ann.certificate_id in name for name in names)  # an ID alone finds nothing
    assert sorted(path.name for path in folder.iterdir()) == [
        "credentials", "index.html", "issuer.json", "jwks.json", "status-list.jwt", "verifier.css", "verifier.js"]


def test_a_genuine_certificate_reads_valid_with_what_it_attests(site, page, capsys) -> None:
    from a11y_support import audit

    course, url = site
    ann = certificate_of(course, "ann")
    assert verdict(page, url, id=ann.certificate_id, code=verification_code(ann.hash)) == "valid"
    text = page.inner_text("#result")
    assert "Result: Valid" in text and "Ann Honest" in text and "Clinique Test" in text
    assert text.count("Observed procedure:") == 5 and "entrustment level 3" in text
    for competency in ann.data["competencies"]:
        assert f"{competency['name']}: share of marks: {competency['share'] * 100:.1f}%" in text
    assert f"until {ann.data['expires']}" in text
    assert ": valid on" in cli_verdict(course, credential_file(course, ann), capsys)
    audit(page, "verifier-valid").check()


def test_revoked_after_mesocourse_revoke(site, page, capsys) -> None:
    course, url = site
    bo = certificate_of(course, "bo")
    code = verification_code(bo.hash)
    assert verdict(page, url, id=bo.certificate_id, code=code) == "valid"
    assert main(["revoke", bo.certificate_id, "--reason", "entrustment withdrawn", "--course", str(course),
                 "--by", "Ines"]) == 0
    # the static folder is written again; the service reads the live files
    assert main(["verifier", "--out", str(course.parent / "site"), "--course", str(course)]) == 0
    assert verdict(page, url, id=bo.certificate_id, code=code) == "revoked"
    assert "has revoked it" in page.inner_text("#result")
    assert ": revoked on" in cli_verdict(course, credential_file(course, bo), capsys)


def test_expired_on_the_day_its_validity_ends(site, page, capsys) -> None:
    course, url = site
    ann = certificate_of(course, "ann")
    expires = ann.data["expires"]
    assert verdict(page, url, id=ann.certificate_id, code=verification_code(ann.hash), date=expires) == "expired"
    assert f"its validity ended on {expires}" in page.inner_text("#result")
    assert f": expired on {expires}" in cli_verdict(course, credential_file(course, ann), capsys, "--date", expires)


def test_an_unknown_id_or_a_wrong_code_reads_unknown(site, page) -> None:
    course, url = site
    ann = certificate_of(course, "ann")
    assert verdict(page, url, id="MC-2026-NOSUCHID", code=verification_code(ann.hash)) == "unknown"
    assert verdict(page, url, id=ann.certificate_id, code="AAAA-BBBB-CCCC") == "unknown"
    assert "No certificate with this ID and verification code" in page.inner_text("#result")


def test_an_uploaded_credential_with_one_changed_byte_reads_tampered(site, page, capsys, tmp_path: Path) -> None:
    course, url = site
    ann = certificate_of(course, "ann")
    token = credential_file(course, ann).read_bytes()
    middle = token.index(b".") + 200  # inside the signed content
    changed = token[:middle] + (b"B" if token[middle:middle + 1] != b"B" else b"C") + token[middle + 1:]
    (tmp_path / "changed.jwt").write_bytes(changed)
    page.goto(f"{url}/")
    page.set_input_files("#credential-file", str(credential_file(course, ann)))
    page.wait_for_selector("#result[data-status=valid]")
    page.set_input_files("#credential-file", str(tmp_path / "changed.jwt"))
    page.wait_for_selector("#result[data-status=tampered]")
    text = page.inner_text("#result")
    assert "not a genuine certificate" in text and "Ann Honest" not in text  # nothing of it is shown as true
    assert "TAMPERED" in cli_verdict(course, tmp_path / "changed.jwt", capsys)


def test_a_certificate_is_verified_with_the_keyboard_alone(site, page) -> None:
    from a11y_support import audit

    course, url = site
    ann = certificate_of(course, "ann")
    page.goto(f"{url}/")
    audit(page, "verifier-empty").check()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "certificate-id"
    page.keyboard.type(ann.certificate_id)
    page.keyboard.press("Tab")
    page.keyboard.type(verification_code(ann.hash).lower().replace("-", " "))  # as a person may type it
    page.keyboard.press("Enter")
    page.wait_for_selector("#result[data-status=valid]")
    assert page.evaluate("document.activeElement.id") == "result"  # the answer is read out next


def test_the_service_serves_the_page_and_the_published_files_only(course: Path, tmp_path: Path) -> None:
    """Nothing beside the issuer's public files: not its keys, not the registry."""
    import urllib.error
    import urllib.request

    public = course / "certification" / "public"
    ann = certificate_of(course, "ann")
    name = published_name(ann.certificate_id, verification_code(ann.hash))
    with verify_service(public) as url:
        for path in ("/", "/verifier.js", "/jwks.json", "/status-list.jwt", f"/credentials/{name}"):
            with urllib.request.urlopen(url + path) as response:
                assert response.status == 200 and response.headers["Cache-Control"] == "no-cache"
        assert urllib.request.urlopen(url).geturl() == url + "/"  # the bare prefix is sent to the page
        for path in ("/checkpoint.jwt", "/../keys/active", "/..%2Fregistry.db",
                     f"/credentials/{ann.certificate_id}.jwt", "/credentials/"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(url + path)
            assert refused.value.code in (403, 404), path
