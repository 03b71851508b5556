"""The public verification page of a real course server, reached from a certificate's QR code.

A real JupyterHub (``mesocourse hub``) in a throwaway folder; a course is certified
with issuer keys as a course command on the hub runs (its environment), so the
certificate's QR code points to the hub's own ``/services/verify/``. The QR code is
decoded from the PDF (zxing) and its URL opened in Chromium with no login: valid;
after ``mesocourse revoke``: revoked. Every account and process is removed (checked).
Needs root; skips otherwise.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from certification_builders import Trainee, build_course, observe_all
from hub_support import course_hub_left_clean, new_page, require_hub_in_chromium, shot

from course.cli import main

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
PEOPLE = {"i": "Ines Tructor", "a": "Ann Honest"}

require_hub_in_chromium()


@pytest.fixture(scope="module")
def clinic():
    """A course folder the grader account (which runs the service) can read, named to the hub
    as its issuer (``MESOCOURSE_ISSUER``), and the running hub."""
    folder = Path(tempfile.mkdtemp(prefix="mesocourse-clinic-"))
    os.chmod(folder, 0o755)
    course = folder / "course"
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("MESOCOURSE_ISSUER", str(course / "certification"))
        with course_hub_left_clean(PEOPLE) as hub:
            yield hub, course


def certify_on_the_hub(hub, course: Path) -> Path:
    """Ann observed and certified as the console's certify job runs: the hub's course environment."""
    from course.hub.spawner import course_environment

    build_course(course, [Trainee("ann", "Ann", "Honest")])
    assert main(["keys", "init", "--course", str(course), "--name", "Clinique Hub", "--url", "https://clinic.example",
                 "--email", "certificates@clinic.example"]) == 0
    observe_all(f"sqlite:///{course / 'certification' / 'registry.db'}", "ann", day="2026-01-05", course=course)
    done = subprocess.run([sys.executable, "-m", "course", "certify", "--course", str(course), "--by", "Ines"],
                          env={**os.environ, **course_environment(hub.state, "grader")}, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (pdf,) = (course / "certification" / "certificates").glob("*.pdf")
    return pdf


def qr_url(pdf: Path) -> str:
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    (image,) = [image for page in PdfReader(pdf).pages for image in page.images]
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))
    return decoded.text


def test_a_scanned_certificate_reads_valid_then_revoked_without_logging_in(clinic, browser):
    from a11y_support import audit

    hub, course = clinic
    pdf = certify_on_the_hub(hub, course)
    url = qr_url(pdf)
    assert url.startswith(f"{hub.url}/services/verify/?id={pdf.stem}&code=")  # the hub's own page by default
    page = new_page(browser)  # nobody logged in
    page.goto(url)
    page.wait_for_selector("#result[data-status]")
    shot(page, "verify-valid")
    assert page.url == url, "the page asked for a login"
    assert page.get_attribute("#result", "data-status") == "valid"
    assert "Ann Honest" in page.inner_text("#result")
    audit(page, "hub-verify").check()

    assert main(["revoke", pdf.stem, "--reason", "withdrawn after an incident", "--course", str(course),
                 "--by", "Ines"]) == 0
    page.reload()
    page.wait_for_selector("#result[data-status=revoked]")
    shot(page, "verify-revoked")
    page.context.close()
