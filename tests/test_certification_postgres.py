"""The registry on a real PostgreSQL server: a throwaway cluster (initdb/pg_ctl from
/usr/lib/postgresql/*/bin) on a free local port, tampering done with psql, and
concurrent certification by two processes."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from certification_builders import (
    FULL,
    ISSUER,
    Trainee,
    build_course,
    check_concurrent_appends,
    mesocourse_command,
    observe_all,
)
from prerequisites import INITDB, postgres_missing, require

from course.certification.registry import CERTIFICATE, DECISION, Registry
from course.cli import main

pytestmark = [pytest.mark.postgres]


@dataclass(frozen=True)
class Cluster:
    bindir: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def psql(self, database: str, sql: str) -> subprocess.CompletedProcess[str]:
        """Run SQL through the psql client, as an operator (or an attacker) would."""
        return subprocess.run(
            [str(self.bindir / "psql"), "-X", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
             "-U", "postgres", "-d", database, "-c", sql],
            capture_output=True, text=True, timeout=60,
        )

    def create_database(self, name: str, template: str = "template1") -> str:
        result = self.psql("postgres", f"CREATE DATABASE {name} TEMPLATE {template}")
        assert result.returncode == 0, result.stderr
        return self.url(name)


def _server_user() -> dict[str, object]:
    """initdb refuses root: as root, run the server as 'postgres' (or 'nobody')."""
    if os.geteuid() != 0:
        return {}
    name = next((n for n in ("postgres", "nobody") if _exists(n)), None)
    require("running as root and no 'postgres' or 'nobody' account to run PostgreSQL as: "
            "apt-get install postgresql (it creates 'postgres')" if name is None else None)
    assert name is not None
    entry = pwd.getpwnam(name)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
        return True
    except KeyError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    require(postgres_missing())
    bindir = Path(INITDB[-1]).parent
    run_as = _server_user()
    home = Path(tempfile.mkdtemp(prefix="mesocourse-pg-"))
    if run_as:
        os.chown(home, run_as["user"], run_as["group"])
    data, port = home / "data", _free_port()

    def server(*command: str) -> None:
        result = subprocess.run([str(bindir / command[0]), *command[1:]], capture_output=True, text=True,
                                timeout=120, **run_as)
        assert result.returncode == 0, f"{command[0]} failed: {result.stdout}{result.stderr}"

    server("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
    server("pg_ctl", "-D", str(data), "-l", str(home / "server.log"), "-w", "-o",
           f"-p {port} -c listen_addresses=127.0.0.1 -k {home} -c fsync=off", "start")
    try:
        yield Cluster(bindir, port)
    finally:
        server("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def populated(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Database 'base': observations, decisions and two certificates (14 records); a template."""
    url = cluster.create_database("base")
    course = build_course(tmp_path_factory.mktemp("pg") / "course", [Trainee("t1"), Trainee("t2", "Bo", "Ng")])
    for trainee in ("t1", "t2"):
        observe_all(url, trainee)
    assert main(["certify", "--course", str(course), "--registry", url, "--date", "2024-03-01", "--by",
                 "Instructor"]) == 0
    return "base"


def verify_registry(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["verify", "--registry", url])
    return code, capsys.readouterr().out


def test_a_postgresql_registry_records_and_verifies(cluster: Cluster, populated: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    url = cluster.url(populated)
    code, out = verify_registry(url, capsys)
    assert code == 0 and "registry intact: 14 records" in out
    with Registry(url, create=False) as registry:
        certificate_id = registry.records(kind=CERTIFICATE)[0].certificate_id
    assert main(["verify", certificate_id, "--registry", url, "--date", "2024-04-01"]) == 0
    assert f"{certificate_id}: valid on 2024-04-01" in capsys.readouterr().out


def test_triggers_refuse_changes_made_with_psql(cluster: Cluster, populated: str) -> None:
    url_db = "guarded"
    cluster.create_database(url_db, template=populated)
    for sql in ("UPDATE registry_records SET recorded_by = 'x' WHERE seq = 1",
                "DELETE FROM registry_records WHERE seq = 1", "TRUNCATE registry_records"):
        result = cluster.psql(url_db, sql)
        assert result.returncode != 0 and "registry records are append-only" in result.stderr


UNGUARD = "ALTER TABLE registry_records DISABLE TRIGGER USER; "


@pytest.mark.parametrize(("name", "sql", "expected"), [
    ("edited", UNGUARD + "UPDATE registry_records SET payload = replace(payload, '\"Bo Ng\"', '\"Bob Ng\"') "
     "WHERE kind = 'decision' AND trainee = 't2'",
     "trainee t2; recorded"),
    ("deleted", UNGUARD + "DELETE FROM registry_records WHERE seq = 4",
     "record 4 missing: the sequence jumps from 3 to 5 (deleted)"),
    ("inserted", UNGUARD + "INSERT INTO registry_records SELECT 15, 'observation', 't3', NULL, recorded_at, 'forger', "
     "'{}', hash, md5('x') || md5('y') FROM registry_records WHERE seq = 14",
     "record 15 (observation, trainee t3; recorded"),
])
def test_tampering_with_psql_is_detected(cluster: Cluster, populated: str, capsys: pytest.CaptureFixture[str],
                                         name: str, sql: str, expected: str) -> None:
    url = cluster.create_database(f"tampered_{name}", template=populated)
    result = cluster.psql(f"tampered_{name}", sql)
    assert result.returncode == 0 and result.stdout.strip().endswith("1"), result.stderr
    code, out = verify_registry(url, capsys)
    assert code == 3 and "registry tampered" in out and expected in out, out
    if name == "edited":
        assert "content changed after it was recorded (hash mismatch)" in out


def test_two_processes_appending_at_once_lose_nothing(cluster: Cluster, capsys: pytest.CaptureFixture[str]) -> None:
    url = cluster.create_database("concurrent_appends")
    check_concurrent_appends(url, per_writer=40)
    assert verify_registry(url, capsys)[0] == 0


def test_two_instructors_certifying_the_same_cohort_at_once(cluster: Cluster, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    ready = [Trainee(f"r{n:02d}") for n in range(10)]
    blocked = [Trainee(f"b{n:02d}", scores={**FULL, "pregnancy": 0}) for n in range(4)]
    course = build_course(tmp_path / "course", ready + blocked)
    assert main(["keys", "init", "--course", str(course), *ISSUER]) == 0  # each transaction signs a checkpoint
    url = cluster.create_database("concurrent_certify")
    for trainee in ready + blocked:
        observe_all(url, trainee.id)
    runs = [
        subprocess.Popen(mesocourse_command("certify", "--course", str(course), "--registry", url,
                                            "--date", "2024-03-01", "--by", instructor),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for instructor in ("Instructor A", "Instructor B")
    ]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    with Registry(url, create=False) as registry:
        certificates = Counter(r.trainee for r in registry.records(kind=CERTIFICATE))
        decisions = Counter(r.trainee for r in registry.records(kind=DECISION))
    assert certificates == {t.id: 1 for t in ready}  # nobody certified twice
    assert decisions == {**{t.id: 1 for t in ready}, **{t.id: 2 for t in blocked}}  # nothing lost
    assert verify_registry(url, capsys)[0] == 0
    assert main(["verify", "--registry", url, "--course", str(course), "--checkpoint"]) == 0
    assert "matches the signed checkpoint" in capsys.readouterr().out
