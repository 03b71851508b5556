"""`mesocourse demo` end to end on a tiny cohort: what `make demo` runs."""

from __future__ import annotations

import csv
import subprocess
import sys

import pandas as pd
import pytest
from gradebook_support import assert_same_rows, rows_through_nbgrader

from course.assignments.build import ASSIGNMENTS
from course.gradebook_tables import read_gradebook

pytestmark = [pytest.mark.slow, pytest.mark.long]
MESOCOURSE = [sys.executable, "-m", "course"]


@pytest.fixture(scope="session")  # session: xdist may interleave modules
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "course"
    done = subprocess.run([*MESOCOURSE, "demo", "--out", str(out), "--trainees", "4", "--workers", "2"],
                          capture_output=True, text=True, check=False, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out, done.stdout


def sheet(out, assignment):
    with open(out / "reports" / f"grading-{assignment}.csv", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def test_every_submission_is_graded_or_reported(demo):
    out, _ = demo
    for assignment in ASSIGNMENTS:
        rows = sheet(out, assignment)
        assert set(rows) == {"trainee1", "trainee2", "trainee3", "trainee4"}
        assert all(row["status"] in ("graded", "flagged", "failed") for row in rows.values())
    broken = sheet(out, "screening")["trainee4"]  # the cohort's one broken notebook: not a notebook at all
    assert broken["status"] == "failed" and "not a readable notebook" in broken["notes"]


def test_feedback_report_and_certification(demo):
    out, stdout = demo
    assert list((out / "feedback" / "trainee1" / "depth").glob("*.html"))
    report = (out / "reports" / "cohort-report.html").read_text(encoding="utf-8")
    assert "Cronbach" in report and "not clinical guidance" in report
    assert "Where to look" in stdout and "certified" in stdout
    assert "exam sessions: not required" in stdout  # a course run from the command line, not on the hub
    assert "No exam was sat under an exam session" in report
    verify = subprocess.run([*MESOCOURSE, "verify", "--registry", "--course", str(out)],
                            capture_output=True, text=True, check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "matches the signed checkpoint" in verify.stdout


def test_the_demo_uses_variants_and_its_report_shows_facility_per_variant(demo):
    """Each trainee answers their own variant; the report shows each variant's facility."""
    out, _ = demo
    assert (out / ".mesocourse" / "variant-secret").is_file()
    assert (out / "release" / "screening" / "variant-key").is_file()
    table = pd.read_csv(out / "reports" / "cohort-report-variant-facility.csv")
    assert set(table["assignment"]) == set(ASSIGNMENTS)
    assert set(table.columns) >= {"item", "variant", "n", "facility", "p_value", "p_holm", "flagged"}
    assert table["n"].sum() > 0 and table["variant"].between(1, 8).all()
    assert "Fairness across variants" in (out / "reports" / "cohort-report.html").read_text(encoding="utf-8")


def test_the_demo_issues_signed_credentials_with_qr_codes(demo):
    out, _ = demo
    certificates = out / "certification" / "certificates"
    public = out / "certification" / "public"
    credentials = sorted(certificates.glob("MC-*.jwt"))
    assert credentials and len(credentials) == len(list(certificates.glob("MC-*.pdf")))
    for credential in credentials:
        assert "<svg" in credential.with_suffix(".html").read_text(encoding="utf-8")
        verify = subprocess.run([*MESOCOURSE, "verify", "--credential", str(credential), "--issuer-keys",
                                 str(public / "jwks.json"), "--status-list", str(public / "status-list.jwt")],
                                capture_output=True, text=True, check=False)
        assert verify.returncode == 0 and ": valid on" in verify.stdout, verify.stdout + verify.stderr


def test_demo_refuses_to_overwrite_a_course(demo):
    out, _ = demo
    done = subprocess.run([*MESOCOURSE, "demo", "--out", str(out), "--trainees", "2"],
                          capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "already holds a course" in (done.stderr + done.stdout)


def test_gradebook_reader_matches_nbgrader_on_the_demo(demo):
    out, _ = demo
    url = f"sqlite:///{out / 'gradebook.db'}"
    ours = read_gradebook(url)
    assert len(ours.students) == 4 and len(ours.grades) > 4 * len(ASSIGNMENTS)
    assert_same_rows(ours, rows_through_nbgrader(url))


@pytest.mark.browser
def test_the_demos_report_feedback_and_certificate_pass_axe(demo, request):
    """The HTML pages the pipeline writes, audited in Chromium (WCAG 2.1 AA, axe-core): the cohort
    report (also after sorting a table from the keyboard), one feedback page, one certificate."""
    from a11y_support import audit
    from prerequisites import chromium_missing, require

    require(chromium_missing())

    page = request.getfixturevalue("page")
    out, _ = demo
    report = out / "reports" / "cohort-report.html"
    feedback = sorted((out / "feedback").glob("*/screening/*.html"))[0]
    certificate = sorted((out / "certification" / "certificates").glob("MC-*.html"))[0]
    for name, path in (("report", report), ("feedback", feedback), ("certificate", certificate)):
        page.goto(path.as_uri())
        audit(page, f"demo-{name}").check()
    page.goto(report.as_uri())
    heading = page.locator("table.sortable th").first
    heading.get_by_role("button").focus()
    page.keyboard.press("Enter")
    assert heading.get_attribute("aria-sort") == "ascending"
    audit(page, "demo-report-sorted").check()
