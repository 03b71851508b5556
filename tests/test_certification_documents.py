"""Certificates (PDF and HTML) and CSV exports say exactly what the registry says."""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

import pytest
from certification_builders import FULL, Trainee, build_course, observe_all
from pypdf import PdfReader

from course.certification.chain import verification_code
from course.certification.registry import CERTIFICATE, Registry
from course.cli import main

NAME = "Zoë Łukasiewicz-Øre"


@pytest.fixture(scope="module")
def certified(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A course where 'zoe' (Unicode name, lms ID) is certified and 'bo' is not."""
    course = build_course(tmp_path_factory.mktemp("documents") / "course", [
        Trainee("zoe", "Zoë", "Łukasiewicz-Øre", email="zoe@example.org"),
        Trainee("bo", "Bo", "Ng", email="bo@example.org", scores={**FULL, "pregnancy": 0}),
    ])
    registry = f"sqlite:///{course / 'certification' / 'registry.db'}"
    for trainee in ("zoe", "bo"):
        observe_all(registry, trainee)
    assert main(["certify", "--course", str(course), "--date", "2024-03-01", "--by", "Instructor C"]) == 0
    return course, registry


@pytest.fixture(scope="module")
def certificate(certified: tuple[Path, str]):
    with Registry(certified[1], create=False) as opened:
        (record,) = opened.records(kind=CERTIFICATE)
    return record


def test_pdf_text_matches_the_registry_record(certified: tuple[Path, str], certificate) -> None:
    pdf = certified[0] / "certification" / "certificates" / f"{certificate.certificate_id}.pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    data = certificate.data
    assert data["name"] == NAME
    for expected in (
        f"Certificate ID {certificate.certificate_id}",
        f"Awarded to {NAME} (trainee ID zoe)",
        "Issued 2024-03-01", "Expires 2025-03-01",
        f"Verification code {verification_code(certificate.hash)}",
        "Entrustment level 3 (indirect supervision)",
        "Restrictions supervised practice only",
        "training certificate from mesocourse", "not clinical guidance",
        f"Registry record {certificate.seq}",
    ):
        assert expected in text, expected


def test_html_says_the_same(certified: tuple[Path, str], certificate) -> None:
    page = (certified[0] / "certification" / "certificates" / f"{certificate.certificate_id}.html").read_text("utf-8")
    text = html.unescape(page)
    for expected in (certificate.certificate_id, NAME, "2024-03-01", "2025-03-01",
                     verification_code(certificate.hash), "supervised practice only", "not clinical guidance"):
        assert expected in text, expected


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_pdf_is_tagged_with_its_language_title_and_the_qr_codes_alt_text(certified, certificate) -> None:
    """Read back from the PDF: a screen reader finds the language, the title and what the QR code says."""
    from course.certification.certificates import TITLE, qr_alt

    reader = PdfReader(certified[0] / "certification" / "certificates" / f"{certificate.certificate_id}.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert reader.metadata.title == f"{TITLE} {certificate.certificate_id}"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True and root["/MarkInfo"]["/Marked"].value is True

    def elements(node):
        node = node.get_object()
        yield node
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid.get_object(), "get"):
                yield from elements(kid)

    figures = [e for e in elements(root["/StructTreeRoot"]) if e.get("/S") == "/Figure"]
    certificates = certified[0] / "certification" / "certificates"
    html_page = (certificates / f"{certificate.certificate_id}.html").read_text("utf-8")
    (alt,) = [f["/Alt"] for f in figures]
    assert alt.startswith("QR code to verify this certificate; it reads: ") and html.escape(alt) in html_page
    assert alt == qr_alt(alt.removeprefix("QR code to verify this certificate; it reads: "))


def test_the_pdf_and_the_html_say_the_same_text(certified, certificate) -> None:
    """Every line of the certificate, the title, the statement and the QR code's words, in both."""
    import re

    from course.certification.certificates import STATEMENT, TITLE, certificate_lines

    folder = certified[0] / "certification" / "certificates"
    pdf = _words(" ".join(page.extract_text()
                          for page in PdfReader(folder / f"{certificate.certificate_id}.pdf").pages))
    page = (folder / f"{certificate.certificate_id}.html").read_text("utf-8")
    assert '<html lang="en">' in page and page.count("<h1>") == 1
    shown = _words(html.unescape(re.sub(r"<[^>]+>", " ", page.split("<body>")[1].replace("<title>", ""))))
    expected = [TITLE, STATEMENT, *(part for line in certificate_lines(certificate) for part in line)]
    qr = re.search(r"Scan to verify: (\S+(?: \S+)*?)</p>", page)
    for text in [*expected, f"Scan to verify: {html.unescape(qr.group(1))}"]:
        for line in text.split("\n"):
            assert _words(line) in pdf, line
            assert _words(line) in shown, line


def export(registry: str, kind: str, capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
    capsys.readouterr()
    assert main(["certification-export", "--format", kind, "--registry", registry, "--date", "2024-06-01"]) == 0
    return list(csv.reader(io.StringIO(capsys.readouterr().out)))


def test_hr_export(certified: tuple[Path, str], certificate, capsys: pytest.CaptureFixture[str]) -> None:
    rows = export(certified[1], "hr", capsys)
    by_id = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    zoe, bo = by_id["zoe"], by_id["bo"]
    assert zoe["certificate_status"] == "valid" and zoe["certificate_id"] == certificate.certificate_id
    assert (zoe["issued"], zoe["expires"], zoe["restrictions"]) == ("2024-03-01", "2025-03-01",
                                                                    "supervised practice only")
    assert zoe["verification_code"] == verification_code(certificate.hash)
    assert zoe["decided_by"] == "Instructor C"
    assert bo["certificate_status"] == "not certified" and "Critical item ps1/assessment/pregnancy" in bo["reasons"]


def test_canvas_export_follows_the_gradebook_layout(certified: tuple[Path, str],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    header, points, *rows = export(certified[1], "canvas", capsys)
    assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert header[-1] == "mesocourse certified" and "mesocourse competency: screening" in header
    assert points[0].strip() == "Points Possible" and points[5:] == ["100"] * (len(header) - 6) + ["1"]
    by_id = {row[2]: dict(zip(header, row)) for row in rows}
    assert by_id["zoe"]["Student"] == "Łukasiewicz-Øre, Zoë" and by_id["zoe"]["mesocourse certified"] == "1"
    assert by_id["bo"]["mesocourse certified"] == "0"
    assert by_id["bo"]["mesocourse competency: consultation"] == "80.0"  # 8 of 10 marks


def test_moodle_export_maps_users_by_id_number_or_email(certified: tuple[Path, str],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    header, *rows = export(certified[1], "moodle", capsys)
    assert header[:4] == ["First name", "Last name", "ID number", "Email address"]
    by_id = {row[2]: dict(zip(header, row)) for row in rows}
    assert by_id["zoe"]["Email address"] == "zoe@example.org" and by_id["zoe"]["mesocourse certified"] == "1"
    assert by_id["bo"]["First name"] == "Bo" and by_id["bo"]["mesocourse competency: screening"] == "100.0"


def test_export_to_a_file(certified: tuple[Path, str], tmp_path: Path) -> None:
    out = tmp_path / "hr.csv"
    assert main(["certification-export", "--format", "hr", "--out", str(out), "--registry", certified[1]]) == 0
    assert out.read_text("utf-8").splitlines()[0].startswith("trainee_id,name,email,certificate_status")
