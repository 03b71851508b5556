"""Certification decisions on a constructed cohort: a real nbgrader gradebook, real
source notebooks, observations recorded with `mesocourse observe`, decisions made
by `mesocourse certify` and read back from the SQLite registry.

Fixed pass marks (competencies.yaml): screening 0.8, consultation 0.6, depth 0.7,
technique 0.6, complications 0.7. Framework: 2 consultation_screening and 3
facial_session observations at level >= 3; level 3 -> "supervised practice only".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from certification_builders import FULL, ISSUER, Trainee, build_course, observe, observe_all

from course.certification.chain import verification_code
from course.certification.checkpoints import read_checkpoint
from course.certification.cohort_certification import NOT_DUE, CertificationOutcome, certify_cohort, tally
from course.certification.keys import Issuer
from course.certification.observation import observation_payload, record_observations
from course.certification.registry import CERTIFICATE, DECISION, Registry
from course.cli import main
from course.coursedir import Course

DAY = "2024-03-01"
COHORT = [
    Trainee("at_mark", "Ada", "Mark", scores={**FULL, "screen_a": 4, "screen_b": 4, "depth": 7}),
    Trainee("below_mark", scores={**FULL, "screen_a": 4, "screen_b": 3.99}),
    Trainee("critical_fail", scores={**FULL, "pregnancy": 1}),
    Trainee("no_observations"),
    Trainee("few_observations"),
    Trainee("stale_observations"),
    Trainee("missing_submission", submitted=("ps1",)),
    Trainee("ungraded", scores={**FULL, "consult": None}),
    Trainee("unsupervised", "Una", "Supervised"),
]


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, dict]]:
    """The cohort certified once on DAY; returns (course, registry URL, decision payload per trainee)."""
    course = build_course(tmp_path_factory.mktemp("cohort") / "course", COHORT)
    registry = f"sqlite:///{course / 'certification' / 'registry.db'}"
    for trainee in ("at_mark", "below_mark", "critical_fail", "missing_submission", "ungraded"):
        observe_all(registry, trainee)
    observe(registry, "few_observations", "consultation_screening", 4, "2024-02-01")
    observe(registry, "few_observations", "consultation_screening", 4, "2024-02-02")
    for level in (3, 3, 2):
        observe(registry, "few_observations", "facial_session", level, "2024-02-03")
    observe_all(registry, "stale_observations", day="2022-01-10")
    for _ in range(2):
        observe(registry, "unsupervised", "consultation_screening", 5, "2024-02-01")
    for _ in range(3):
        observe(registry, "unsupervised", "facial_session", 4, "2024-02-01")
    assert main(["certify", "--course", str(course), "--date", DAY, "--by", "Instructor A"]) == 0
    with Registry(registry, create=False) as opened:
        decisions = {r.trainee: r.data for r in opened.records(kind=DECISION)}
    return course, registry, decisions


def test_every_trainee_gets_one_recorded_decision(cohort) -> None:
    _, registry, decisions = cohort
    assert sorted(decisions) == sorted(t.id for t in COHORT)
    with Registry(registry, create=False) as opened:
        certified = {r.trainee for r in opened.records(kind=CERTIFICATE)}
        decision_records = opened.records(kind=DECISION)
    assert certified == {"at_mark", "unsupervised"}
    assert all(r.recorded_by == "Instructor A" for r in decision_records)


def test_exactly_at_the_pass_mark_passes(cohort) -> None:
    decision = cohort[2]["at_mark"]
    assert decision["outcome"] == "certified", decision["explanation"]
    assert decision["competencies"]["screening"]["share"] == pytest.approx(0.8)
    assert decision["competencies"]["depth"]["passed"] is True
    assert decision["reasons"] == []


def test_just_below_the_pass_mark_fails_whatever_the_rest(cohort) -> None:
    decision = cohort[2]["below_mark"]
    assert decision["outcome"] == "not yet certified"
    assert [c for c, r in decision["competencies"].items() if not r["passed"]] == ["screening"]
    (reason,) = decision["reasons"]
    assert "Competency 'screening'" in reason and "7.99 of 10 marks (79.9%)" in reason and "pass mark of 80%" in reason


def test_a_critical_failure_blocks_despite_a_high_total(cohort) -> None:
    decision = cohort[2]["critical_fail"]
    total = sum(r["score"] for r in decision["competencies"].values())
    maximum = sum(r["max_score"] for r in decision["competencies"].values())
    assert total / maximum > 0.95
    assert all(r["passed"] for r in decision["competencies"].values())
    assert decision["outcome"] == "not yet certified"
    assert decision["critical_items"]["failed"] == decision["reasons"]
    assert "Critical item ps1/assessment/pregnancy" in decision["reasons"][0]
    assert "1 of 2 marks" in decision["reasons"][0]


def test_missing_observations_are_named(cohort) -> None:
    reasons = cohort[2]["no_observations"]["reasons"]
    assert len(reasons) == 2
    assert "Observed practice 'consultation_screening'" in reasons[0] and "no observation counts" in reasons[0]
    assert "Observed practice 'facial_session'" in reasons[1]
    assert "needs 3 observation(s) at entrustment level 3" in reasons[1]


def test_too_few_observations_at_the_required_level(cohort) -> None:
    decision = cohort[2]["few_observations"]
    (reason,) = decision["reasons"]
    assert "'facial_session'" in reason and "counted 2 at that level" in reason
    assert decision["observed_practice"]["consultation_screening"]["level_reached"] == 4
    assert decision["observed_practice"]["facial_session"]["level_reached"] == 2


def test_observations_older_than_the_framework_allows_do_not_count(cohort) -> None:
    reasons = cohort[2]["stale_observations"]["reasons"]
    assert len(reasons) == 2 and all("more than 12 months old" in reason for reason in reasons)


def test_a_missing_submission_counts_as_zero_and_says_so(cohort) -> None:
    decision = cohort[2]["missing_submission"]
    assert decision["competencies"]["complications"]["score"] == 0
    assert "Competency 'complications'" in decision["reasons"][0]
    assert "No submission for assignment 'ps2': its 1 graded item(s) count as 0." in decision["explanation"]


def test_an_ungraded_cell_counts_as_zero_and_says_so(cohort) -> None:
    decision = cohort[2]["ungraded"]
    assert decision["competencies"]["consultation"]["score"] == 2  # only the critical item's 2 marks
    assert "Not graded yet, counted as 0: ps1/assessment/consult." in decision["explanation"]


def test_entrustment_level_is_the_lowest_over_procedures_and_sets_restrictions(cohort) -> None:
    decisions = cohort[2]
    assert decisions["at_mark"]["entrustment_level"] == 3
    assert decisions["at_mark"]["restrictions"] == ["supervised practice only"]
    assert decisions["unsupervised"]["entrustment_level"] == 4  # consultation 5, facial session 4
    assert decisions["unsupervised"]["restrictions"] == []


def test_a_certified_decision_explains_itself(cohort) -> None:
    explanation = cohort[2]["unsupervised"]["explanation"]
    assert explanation[0].startswith("Every assessed competency reaches its pass mark: depth 100% (mark 70%)")
    assert "No critical item failed (1 critical item(s) checked)." in explanation
    assert any("Entrustment level 4 (unsupervised)" in line and "no restrictions" in line for line in explanation)


def test_expiry_recertification_and_revocation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    course = build_course(tmp_path / "course", [Trainee("renew", "Rene", "Wal")])
    registry = f"sqlite:///{tmp_path / 'registry.db'}"
    common = ["--course", str(course), "--registry", registry, "--by", "Instructor B"]
    observe_all(registry, "renew", day="2024-02-01")
    assert main(["certify", *common, "--date", "2024-03-01"]) == 0
    with Registry(registry, create=False) as opened:
        (first,) = opened.records(kind=CERTIFICATE)
    first_id = first.certificate_id
    assert first.data["expires"] == "2025-03-01"

    def verify(cert_id: str, on: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["verify", cert_id, "--registry", registry, "--date", on])
        return code, capsys.readouterr().out

    code, out = verify(first_id, "2025-02-28")
    assert code == 0 and f"{first_id}: valid on 2025-02-28" in out
    code, out = verify(first_id, "2025-03-01")
    assert code == 1 and f"{first_id}: expired on 2025-03-01" in out

    # Not due yet: certify leaves the holder alone and records nothing.
    assert main(["certify", *common, "--date", "2024-06-01"]) == 0
    assert "not due for recertification" in capsys.readouterr().out
    with Registry(registry, create=False) as opened:
        assert len(opened.records(kind=DECISION)) == 1

    capsys.readouterr()
    assert main(["expiring", "--within", "60d", "--date", "2025-02-01", "--registry", registry]) == 0
    assert f"{first_id}  expires 2025-03-01 (in 28 days)" in capsys.readouterr().out
    assert main(["expiring", "--within", "20d", "--date", "2025-02-01", "--registry", registry]) == 0
    assert "0 trainee(s)" in capsys.readouterr().out

    # Due: the old observations predate the certificate, so they do not count again.
    assert main(["certify", *common, "--date", "2025-02-01"]) == 0
    out = capsys.readouterr().out
    assert "renew (Rene Wal): not yet certified" in out and "predates the previous certificate" in out

    observe_all(registry, "renew", level=4, day="2025-01-15")
    assert main(["certify", *common, "--date", "2025-02-01"]) == 0
    with Registry(registry, create=False) as opened:
        second = opened.records(kind=CERTIFICATE)[-1]
    assert second.data["supersedes"] == first_id and second.data["expires"] == "2026-02-01"
    assert second.data["entrustment_level"] == 4 and second.data["restrictions"] == []
    code, out = verify(first_id, "2025-02-02")
    assert code == 0 and f"superseded by {second.certificate_id}" in out

    capsys.readouterr()
    assert main(["revoke", second.certificate_id, "--reason", "Complication not reported", "--date", "2025-02-10",
                 "--registry", registry, "--by", "Clinical lead"]) == 0
    code, out = verify(second.certificate_id, "2025-03-01")
    assert code == 1 and "revoked on 2025-02-10 by Clinical lead: Complication not reported" in out
    assert main(["revoke", second.certificate_id, "--reason", "again", "--registry", registry]) == 2
    assert "already revoked on 2025-02-10" in capsys.readouterr().err

    # After a revocation, only observations after it count.
    assert main(["certify", *common, "--date", "2025-02-11"]) == 0
    assert "predates the previous certificate or revocation (2025-02-10)" in capsys.readouterr().out


def test_verify_statuses_unknown_and_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    course = build_course(tmp_path / "course", [Trainee("t1")])
    registry = f"sqlite:///{tmp_path / 'registry.db'}"
    observe_all(registry, "t1")
    assert main(["certify", "--course", str(course), "--registry", registry, "--date", DAY, "--by", "I"]) == 0
    with Registry(registry, create=False) as opened:
        (certificate,) = opened.records(kind=CERTIFICATE)
    code = verification_code(certificate.hash)
    capsys.readouterr()
    assert main(["verify", certificate.certificate_id, "--code", code.lower(), "--registry", registry, "--date",
                 "2024-05-01"]) == 0
    assert f"{certificate.certificate_id}: valid on 2024-05-01" in capsys.readouterr().out
    assert main(["verify", certificate.certificate_id, "--code", "AAAA-BBBB-CCCC", "--registry", registry, "--date",
                 "2024-05-01"]) == 1
    assert "does NOT match" in capsys.readouterr().out
    assert main(["verify", "MC-2024-NOSUCH00", "--registry", registry]) == 1
    assert "MC-2024-NOSUCH00: unknown" in capsys.readouterr().out


def test_certify_cohort_returns_an_outcome_per_trainee(tmp_path: Path) -> None:
    """The API under `mesocourse certify`: outcomes as data, reported as each trainee is done."""
    course = Course.open(build_course(tmp_path / "course", [Trainee("ready", "Rea", "Dy"), Trainee("unseen")]))
    registry = f"sqlite:///{tmp_path / 'registry.db'}"
    payloads = [observation_payload("ready", procedure, "Dr A", 4, date(2024, 2, 1))
                for procedure, count in (("consultation_screening", 2), ("facial_session", 3)) for _ in range(count)]
    assert [r.seq for r in record_observations(registry, "api", payloads, course=course)] == [1, 2, 3, 4, 5]
    reported: list[CertificationOutcome] = []
    outcomes = certify_cohort(course, registry, by="api", on=date(2024, 3, 1), progress=reported.append)
    assert outcomes == reported and [o.trainee.id for o in outcomes] == ["ready", "unseen"]
    ready, unseen = outcomes
    assert (ready.outcome, unseen.outcome, tally(outcomes)) == ("certified", "not yet certified",
                                                                "1 certified, 1 not yet certified")
    assert [path.suffix for path in ready.files] == [".pdf", ".html"] and all(p.is_file() for p in ready.files)
    assert ready.files[0].parent == course.certification / "certificates"
    assert unseen.certificate_id is None and any("facial_session" in line for line in unseen.explanation)
    with Registry(registry, create=False) as opened:
        by_seq = {record.seq: record for record in opened.records()}
    assert by_seq[ready.record].kind == DECISION and by_seq[ready.certificate_record].kind == CERTIFICATE
    assert by_seq[ready.certificate_record].certificate_id == ready.certificate_id
    again = certify_cohort(course, registry, by="api", on=date(2024, 3, 2))
    assert again[0].outcome == NOT_DUE and again[0].held is not None and again[0].held.id == ready.certificate_id
    assert again[0].lines() == [f"ready (Rea Dy): {NOT_DUE}; holds {ready.certificate_id}, expires 2025-03-01"]


def test_the_apis_sign_with_the_courses_issuer_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With issuer keys, the APIs (as the demo calls them) sign a checkpoint in every transaction
    and publish each certificate's credential, verifiable offline."""
    course = Course.open(build_course(tmp_path / "course", [Trainee("ready", "Rea", "Dy")]))
    assert main(["keys", "init", "--course", str(course.root), *ISSUER]) == 0
    issuer = Issuer(course.issuer_folder)
    registry = f"sqlite:///{course.registry_file}"
    payloads = [observation_payload("ready", procedure, "Dr A", 4, date(2024, 2, 1))
                for procedure, count in (("consultation_screening", 2), ("facial_session", 3)) for _ in range(count)]
    record_observations(registry, "api", payloads, course=course)
    assert read_checkpoint(issuer.checkpoint_file, issuer.public_keys()).seq == 5
    [ready] = certify_cohort(course, registry, by="api", on=date(2024, 3, 1))
    assert [path.suffix for path in ready.files] == [".pdf", ".html", ".jwt"]
    assert read_checkpoint(issuer.checkpoint_file, issuer.public_keys()).seq == ready.certificate_record
    assert issuer.status_list_file.is_file()
    capsys.readouterr()
    assert main(["verify", "--credential", str(ready.files[2]), "--course", str(course.root), "--date", "2024-03-02",
                 "--status-list", str(issuer.status_list_file)]) == 0
    assert "valid on 2024-03-02" in capsys.readouterr().out
