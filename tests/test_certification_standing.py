"""Where each trainee stands (the clinic manager's page): the same answers as ``verify`` and ``expiring``.

A real course is certified with real issuer keys (Ann and Bo observed and certified,
Cy not observed, Dee enrolled but never decided); Bo's certificate is revoked. Each
standing is compared with what the real commands print on the same registry.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from certification_builders import ISSUER, Trainee, build_course, observe_all

from course.certification.history import latest_per_trainee
from course.certification.registry import Registry
from course.certification.standing import standings
from course.cli import main

PEOPLE = {"ann": {"name": "Ann Honest", "clinic": "North"}, "bo": {"name": "Bo Second", "clinic": "South"},
          "cy": {"name": "Cy Third"}, "dee": {"name": "Dee Late"}}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = build_course(tmp_path_factory.mktemp("standing") / "course",
                          [Trainee("ann", "Ann", "Honest"), Trainee("bo", "Bo", "Second"),
                           Trainee("cy", "Cy", "Third")])
    assert main(["keys", "init", "--course", str(course), *ISSUER]) == 0
    for trainee in ("ann", "bo"):
        observe_all(registry(course), trainee, day=(date.today() - timedelta(days=30)).isoformat(), course=course)
    assert main(["certify", "--course", str(course), "--by", "Ines"]) == 0
    bo = latest_per_trainee(records(course))["bo"]
    assert main(["revoke", bo.id, "--reason", "withdrawn after an incident", "--course", str(course),
                 "--by", "Ines"]) == 0
    return course


def registry(course: Path) -> str:
    return f"sqlite:///{course / 'certification' / 'registry.db'}"


def records(course: Path) -> list:
    with Registry(registry(course), create=False) as opened:
        return opened.records()


def said(capsys: pytest.CaptureFixture[str], *command: str) -> str:
    capsys.readouterr()
    main(list(command))
    return capsys.readouterr().out


def test_each_trainee_stands_as_verify_and_expiring_say(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ann = latest_per_trainee(records(course))["ann"]
    for on, within, ann_status in ((date.today(), 30, "certified"), (ann.expires - timedelta(days=10), 30, "expiring"),
                                   (ann.expires, 30, "expired")):
        found = {row.trainee: row for row in standings(records(course), PEOPLE, on, within)}
        expiring = said(capsys, "expiring", "--within", f"{within}d", "--date", on.isoformat(), "--course", str(course))
        listed = {line.split()[0] for line in expiring.splitlines()[1:]}
        assert {t for t, row in found.items() if row.status in ("expiring", "expired")} == listed, (on, expiring)
        for row in found.values():
            if row.certificate:
                verified = said(capsys, "verify", row.certificate, "--date", on.isoformat(), "--course", str(course))
                word = verified.split(": ", 1)[1].split(" on ")[0]
                assert row.status == word or (row.status in ("certified", "expiring") and word == "valid"), verified
        assert found["ann"].status == ann_status and found["ann"].until == ann.expires.isoformat()
        assert found["bo"].status == "revoked" and "withdrawn after an incident" in found["bo"].details
        assert found["cy"].status == "in progress" and found["cy"].details.startswith("missing: ")
        assert "observ" in found["cy"].details  # what is missing: the observed practice
        assert found["dee"].status == "in progress" and found["dee"].details == "no certification decision yet"
    assert [row.clinic for row in standings(records(course), PEOPLE, date.today(), 30)] == ["North", "South", "", ""]
