"""Signed registry checkpoints catch what the hash chain alone cannot.

Each attack below leaves a hash chain that ``verify --registry`` alone calls intact
(asserted first, so the test shows the checkpoint is what catches it); with the
issuer's signed checkpoint each is reported in plain words with exit status 3.
"""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from certification_builders import (
    ISSUER,
    Trainee,
    build_course,
    issuing_course,
    mesocourse_command,
    observe_all,
    rows,
    tamper,
)

from course.certification.chain import record_hash
from course.cli import main

TAMPERED = 3


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A certified course with issuer keys: 14 records, every one under a signed checkpoint."""
    return issuing_course(tmp_path_factory.mktemp("checkpoints") / "course", [Trainee("t1"), Trainee("t2", "Bo", "Ng")])


@pytest.fixture
def course(original: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(original, tmp_path / "course"))


def db(course: Path) -> Path:
    return course / "certification" / "registry.db"


def checkpoint(course: Path) -> Path:
    return course / "certification" / "public" / "checkpoint.jwt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def chain_alone(course: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> tuple[int, str]:
    """``verify --registry`` from a folder without the issuer: the hash chain only."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    return run(capsys, "verify", "--registry", str(db(course)), "--course", str(elsewhere))


def with_checkpoint(course: Path, capsys: pytest.CaptureFixture[str], path: Path | None = None) -> tuple[int, str]:
    return run(capsys, "verify", "--registry", "--course", str(course), "--checkpoint", str(path or checkpoint(course)))


def rehash_from(path: Path, first: int) -> None:
    """Recompute every record's hash from ``first`` on, and the head: a consistent chain."""
    records = rows(path)
    prev = records[first - 2]["hash"] if first > 1 else "0" * 64
    with closing(sqlite3.connect(path)) as connection:
        for row in records[first - 1:]:
            fields = (row["seq"], row["kind"], row["trainee"], row["certificate_id"], row["recorded_at"],
                      row["recorded_by"], row["payload"], prev)
            prev = record_hash(*fields)
            connection.execute("UPDATE registry_records SET prev_hash = ?, hash = ? WHERE seq = ?",
                               (fields[-1], prev, row["seq"]))
        last = records[-1]["seq"] if records else 0
        connection.execute("UPDATE registry_head SET seq = ?, hash = ?", (last, prev))
        connection.commit()


def test_an_untouched_registry_matches_its_checkpoint(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = with_checkpoint(course, capsys)
    assert code == 0 and "registry intact: 14 records" in out and "matches the signed checkpoint: record 14" in out


def test_a_forged_certificate_appended_by_sql_with_a_correct_chain(
    course: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    last = rows(db(course))[-1]
    payload = json.dumps({"certificate_id": "MC-2099-FORGED00", "trainee": "mallory", "name": "Mallory",
                          "issued": "2024-03-01", "expires": "2099-03-01"})
    fields = (15, "certificate", "mallory", "MC-2099-FORGED00", last["recorded_at"], "Instructor", payload,
              last["hash"])
    forged_hash = record_hash(*fields)
    tamper(db(course), "INSERT INTO registry_records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", params=(*fields, forged_hash))
    tamper(db(course), "UPDATE registry_head SET seq = ?, hash = ?", params=(15, forged_hash))
    assert chain_alone(course, capsys, tmp_path)[0] == 0  # the chain alone is fooled
    code, out = with_checkpoint(course, capsys)
    assert code == TAMPERED and "registry tampered" in out
    assert "1 record(s) after the signed checkpoint (record 15 (certificate, MC-2099-FORGED00, trainee mallory" in out
    assert "were added without the issuer's key: forged by writing to the database directly" in out


def test_the_whole_chain_recomputed_after_an_edit(course: Path, capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    third = rows(db(course), "seq = 3")[0]
    tamper(db(course), "UPDATE registry_records SET payload = ? WHERE seq = 3",
           params=(json.dumps(json.loads(third["payload"]) | {"entrustment": 5}),))
    rehash_from(db(course), 3)
    assert chain_alone(course, capsys, tmp_path)[0] == 0
    code, out = with_checkpoint(course, capsys)
    assert code == TAMPERED
    assert "record 14 does not carry the hash the signed checkpoint" in out
    assert "the chain was rewritten (records changed and every hash recomputed)" in out


def test_the_last_two_records_deleted_and_the_head_moved_back(
    course: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    twelfth = rows(db(course), "seq = 12")[0]
    tamper(db(course), "DELETE FROM registry_records WHERE seq > 12")
    tamper(db(course), "UPDATE registry_head SET seq = 12, hash = ?", params=(twelfth["hash"],))
    assert chain_alone(course, capsys, tmp_path)[0] == 0
    code, out = with_checkpoint(course, capsys)
    assert code == TAMPERED
    assert "the registry ends at record 12, but the signed checkpoint" in out
    assert "records were removed from the end and the chain head moved back" in out


def test_an_edited_checkpoint_file(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Moving the checkpoint back to match a truncated registry breaks its signature."""
    header, payload, signature = checkpoint(course).read_text().strip().split(".")
    content = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    content["seq"], content["head"] = 12, rows(db(course), "seq = 12")[0]["hash"]
    edited = base64.urlsafe_b64encode(json.dumps(content).encode()).decode().rstrip("=")
    checkpoint(course).write_text(f"{header}.{edited}.{signature}\n")
    code, out = with_checkpoint(course, capsys)
    assert code == TAMPERED and "checkpoint tampered" in out and "signature does not verify" in out


def test_commands_refuse_a_registry_that_disagrees_with_the_checkpoint(course: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    tamper(db(course), "DELETE FROM registry_records WHERE seq = 14")
    tamper(db(course), "UPDATE registry_head SET seq = 13, hash = ?", params=(rows(db(course), "seq = 13")[0]["hash"],))
    code, out = run(capsys, "observe", "t1", "--procedure", "facial_session", "--assessor", "Dr A", "--entrustment",
                    "3",
                    "--date", "2024-02-01", "--course", str(course), "--by", "me")
    assert code == TAMPERED and "does not match the signed checkpoint" in out and "refusing to use it" in out
    assert len(rows(db(course))) == 13  # nothing appended, nothing signed over the forgery
    code, out = run(capsys, "expiring", "--course", str(course))
    assert code == TAMPERED and "records were removed from the end" in out


def test_each_recording_command_signs_a_new_checkpoint(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = checkpoint(course).read_text()
    assert run(capsys, "observe", "t1", "--procedure", "facial_session", "--assessor", "Dr A", "--entrustment", "3",
               "--date", "2024-02-01", "--course", str(course), "--by", "me")[0] == 0
    assert checkpoint(course).read_text() != before
    code, out = with_checkpoint(course, capsys)
    assert code == 0 and "matches the signed checkpoint: record 15" in out


def test_a_witness_copy_catches_a_later_rollback(course: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    witness = tmp_path / "witness"
    code, out = run(capsys, "registry", "checkpoint", "--course", str(course), "--witness", str(witness))
    assert code == 0 and "signed checkpoint: record 14" in out
    assert sorted(p.name for p in witness.iterdir()) == ["checkpoint-000014.jwt", "jwks.json"]
    # an attacker removes the last two records and re-signs nothing: they cannot; they delete the checkpoint file too
    tamper(db(course), "DELETE FROM registry_records WHERE seq > 12")
    tamper(db(course), "UPDATE registry_head SET seq = 12, hash = ?", params=(rows(db(course), "seq = 12")[0]["hash"],))
    checkpoint(course).unlink()
    code, out = run(capsys, "verify", "--registry", "--course", str(course), "--checkpoint",
                    str(witness / "checkpoint-000014.jwt"),
                    "--issuer-keys", str(witness / "jwks.json"))
    assert code == TAMPERED and "records were removed from the end" in out


@pytest.mark.parametrize("command", [
    ["verify", "--registry", "{file}"],
    ["verify", "MC-2024-AAAAAAAA", "--registry", "{file}"],
    ["expiring", "--registry", "{file}"],
    ["certification-export", "--format", "hr", "--registry", "{file}"],
    ["observe", "t1", "--procedure", "facial_session", "--assessor", "A", "--entrustment", "3", "--date", "2024-02-01",
     "--registry", "{file}", "--by", "me"],
    ["revoke", "MC-2024-AAAAAAAA", "--reason", "x", "--registry", "{file}", "--by", "me"],
    ["registry", "checkpoint", "--registry", "{file}"],
])
def test_a_file_that_is_not_a_database_is_one_clear_error(command: list[str], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("clinic notes, not a database\n" * 200)
    code, out = run(capsys, *(part.format(file=notes) for part in command), "--course", str(tmp_path))
    assert code == 2 and "Traceback" not in out
    assert out.strip() == (f"mesocourse {command[0]}: error: {notes}: "
                           "not a certification registry (not an SQLite database)")
    assert notes.read_text() == "clinic notes, not a database\n" * 200


def test_losing_the_private_key_loses_no_record(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(course / "certification" / "keys")
    assert with_checkpoint(course, capsys)[0] == 0  # everything still verifies
    for credential in (course / "certification" / "certificates").glob("MC-*.jwt"):
        assert run(capsys, "verify", "--credential", str(credential), "--course", str(course))[0] == 0
    observe = ("observe", "t1", "--procedure", "facial_session", "--assessor", "Dr A", "--entrustment", "3",
               "--date", "2024-02-01", "--course", str(course), "--by", "me")
    code, out = run(capsys, *observe)
    assert code == 2 and "the issuer's private key is missing" in out and "mesocourse keys rotate" in out
    assert len(rows(db(course))) == 14
    code, out = run(capsys, "keys", "rotate", "--course", str(course))
    assert code == 0 and "the lost key's public part stays published" in out
    assert run(capsys, *observe)[0] == 0
    code, out = with_checkpoint(course, capsys)
    assert code == 0 and "matches the signed checkpoint: record 15" in out


def test_two_instructors_certifying_at_once_keep_registry_and_checkpoint_in_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each appending transaction signs under the registry's write lock, so two
    processes never leave a checkpoint the other's records contradict."""
    trainees = [Trainee(f"r{n}") for n in range(6)]
    course = build_course(tmp_path / "course", trainees)
    assert main(["keys", "init", "--course", str(course), *ISSUER]) == 0
    for trainee in trainees:
        observe_all(f"sqlite:///{db(course)}", trainee.id, course=course)
    runs = [subprocess.Popen(mesocourse_command("certify", "--course", str(course), "--date", "2024-03-01", "--by",
                                                who),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for who in ("Instructor A", "Instructor B")]
    for process in runs:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, out + err
    code, out = with_checkpoint(course, capsys)
    assert code == 0 and "matches the signed checkpoint" in out
    certificates = rows(db(course), "kind = 'certificate'")
    assert len(certificates) == 6  # nobody certified twice
    assert all((course / "certification" / "certificates" / f"{c['certificate_id']}.jwt").is_file()
               for c in certificates)
