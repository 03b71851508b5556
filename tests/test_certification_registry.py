"""The SQLite registry: append-only triggers, and tampering done directly with sqlite3
(editing, deleting and inserting rows) detected by `mesocourse verify --registry`."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from certification_builders import Trainee, build_course, check_concurrent_appends, observe_all, rows, tamper

from course.certification.chain import record_hash, verification_code
from course.certification.registry import CERTIFICATE, Registry
from course.cli import main


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A registry with observations, decisions and two certificates (14 records)."""
    course = build_course(tmp_path_factory.mktemp("registry") / "course", [Trainee("t1"), Trainee("t2", "Bo", "Ng")])
    registry = course / "certification" / "registry.db"
    for trainee in ("t1", "t2"):
        observe_all(f"sqlite:///{registry}", trainee)
    assert main(["certify", "--course", str(course), "--date", "2024-03-01", "--by", "Instructor"]) == 0
    return registry


@pytest.fixture
def registry(original: Path, tmp_path: Path) -> Path:
    """A fresh copy of the populated registry to tamper with."""
    return Path(shutil.copy(original, tmp_path / "registry.db"))


def verify_registry(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["verify", "--registry", f"sqlite:///{path}"])
    return code, capsys.readouterr().out


def test_an_untouched_registry_verifies(registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = verify_registry(registry, capsys)
    assert code == 0 and "registry intact: 14 records" in out


def test_triggers_refuse_updates_and_deletes(registry: Path) -> None:
    with closing(sqlite3.connect(registry)) as db:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE registry_records SET recorded_by = 'someone else' WHERE seq = 1")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM registry_records WHERE seq = 1")


def test_an_edited_record_is_detected(registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (certificate,) = rows(registry, "kind = 'certificate' AND trainee = 't2'")
    forged = json.loads(certificate["payload"]) | {"expires": "2099-01-01"}
    tamper(registry, "UPDATE registry_records SET payload = ? WHERE seq = ?",
           params=(json.dumps(forged), certificate["seq"]))
    code, out = verify_registry(registry, capsys)
    assert code == 3 and "registry tampered" in out
    assert f"record {certificate['seq']} (certificate, {certificate['certificate_id']}, trainee t2" in out
    assert "content changed after it was recorded" in out


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(registry: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    row = rows(registry, "seq = 3")[0]
    payload = json.dumps(json.loads(row["payload"]) | {"entrustment": 5})
    new_hash = record_hash(row["seq"], row["kind"], row["trainee"], row["certificate_id"],
                           row["recorded_at"], row["recorded_by"], payload, row["prev_hash"])
    tamper(registry, "UPDATE registry_records SET payload = ?, hash = ? WHERE seq = 3", params=(payload, new_hash))
    code, out = verify_registry(registry, capsys)
    assert code == 3 and "record 4 (observation, trainee t1" in out and "does not link to the record before it" in out


def test_rewriting_the_tail_with_new_hashes_still_fails_the_printed_code(registry: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A full rewrite (hash and head recomputed) keeps the chain consistent, but the
    certificate's printed verification code no longer matches its record."""
    last = rows(registry)[-1]
    assert last["kind"] == CERTIFICATE
    printed_code = verification_code(last["hash"])
    payload = json.dumps(json.loads(last["payload"]) | {"expires": "2099-03-01"})
    new_hash = record_hash(last["seq"], last["kind"], last["trainee"], last["certificate_id"],
                           last["recorded_at"], last["recorded_by"], payload, last["prev_hash"])
    tamper(registry, "UPDATE registry_records SET payload = ?, hash = ? WHERE seq = ?",
           params=(payload, new_hash, last["seq"]))
    with closing(sqlite3.connect(registry)) as db:
        db.execute("UPDATE registry_head SET hash = ?", (new_hash,))
        db.commit()
    capsys.readouterr()
    assert main(["verify", last["certificate_id"], "--code", printed_code, "--registry", f"sqlite:///{registry}",
                 "--date", "2024-04-01"]) == 1
    assert "does NOT match" in capsys.readouterr().out


def test_a_deleted_record_is_detected(registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tamper(registry, "DELETE FROM registry_records WHERE seq = 3")
    code, out = verify_registry(registry, capsys)
    assert code == 3 and "record 3 missing: the sequence jumps from 2 to 4 (deleted)" in out


def test_deleting_the_last_record_is_detected(registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tamper(registry, "DELETE FROM registry_records WHERE seq = (SELECT MAX(seq) FROM registry_records)")
    code, out = verify_registry(registry, capsys)
    assert code == 3 and "chain head says the last record is 14" in out and "last stored record is 13" in out


def test_an_appended_forged_record_is_detected_even_with_a_valid_hash(registry: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    last = rows(registry)[-1]
    fields = (15, "observation", "t3", None, "2024-03-02T00:00:00+00:00", "forger",
              json.dumps({"trainee": "t3", "procedure": "facial_session", "entrustment": 5}), last["hash"])
    tamper(registry, "INSERT INTO registry_records (seq, kind, trainee, certificate_id, recorded_at, recorded_by, "
           "payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", params=(*fields, record_hash(*fields)))
    code, out = verify_registry(registry, capsys)
    assert code == 3 and "chain head says the last record is 14" in out and "last stored record is 15" in out


def test_a_record_inserted_in_the_middle_is_detected(registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = rows(registry, "seq = 5")[0]
    fields = (6, "observation", "t1", None, before["recorded_at"], "forger",
              json.dumps({"trainee": "t1", "procedure": "facial_session", "entrustment": 5}), before["hash"])
    tamper(registry, "UPDATE registry_records SET seq = seq + 1000 WHERE seq > 5",
           "UPDATE registry_records SET seq = seq - 999 WHERE seq > 1000",
           "INSERT INTO registry_records VALUES (6, 'observation', 't1', NULL, '{}', 'forger', '{}', '{}', '{}')"
           .format(before["recorded_at"], fields[6].replace("'", "''"), before["hash"], record_hash(*fields)))
    code, out = verify_registry(registry, capsys)
    assert code == 3
    assert "record 7 (observation, trainee t2" in out and "does not link to the record before it" in out
    assert "content changed after it was recorded" in out  # the renumbered records


def test_a_tampered_registry_fails_every_check_and_is_refused_by_other_commands(
    registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    certificate_id = rows(registry, "kind = 'certificate'")[0]["certificate_id"]
    tamper(registry, "DELETE FROM registry_records WHERE seq = 2")
    url = f"sqlite:///{registry}"
    capsys.readouterr()
    assert main(["verify", certificate_id, "--registry", url]) == 3
    assert "registry tampered" in capsys.readouterr().out
    assert main(["observe", "t1", "--procedure", "facial_session", "--assessor", "A", "--entrustment", "3",
                 "--date", "2024-02-01", "--registry", url, "--by", "me"]) == 3
    assert "has been tampered with; refusing to use it" in capsys.readouterr().err
    assert len(rows(registry)) == 13
    assert main(["certification-export", "--format", "hr", "--registry", url]) == 3
    assert "record 2 missing" in capsys.readouterr().err


def test_read_commands_never_create_a_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere" / "registry.db"
    assert main(["verify", "--registry", str(missing)]) == 2
    assert main(["expiring", "--registry", str(missing)]) == 2
    assert f"no certification registry at {missing}" in capsys.readouterr().err
    assert not missing.parent.exists()


def test_the_registry_location_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "clinic-registry.db"
    monkeypatch.setenv("MESOCOURSE_REGISTRY", str(target))
    observe_all("", "t9")  # an empty --registry falls back to the environment
    with Registry(f"sqlite:///{target}", create=False) as opened:
        assert [r.trainee for r in opened.records()] == ["t9"] * 5


def test_two_processes_appending_at_once_lose_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "registry.db"
    check_concurrent_appends(f"sqlite:///{path}", per_writer=20)
    assert verify_registry(path, capsys)[0] == 0
