"""The error contract, command by command: bad invocations of every ``mesocourse`` command.

Each row runs the installed ``mesocourse`` entry point in a fresh process, in an
empty working folder, against real courses, gradebooks and registries, and
asserts the documented exit status (0 success, 1 a check or verification said
no, 2 bad input or usage, 3 tampering detected), the one line that names the
problem, no traceback, and that nothing was created or changed anywhere in the
test's folders.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from certification_builders import Trainee, write_gradebook, write_sources
from grading_support import tree_hashes

from course.certification.registry import OBSERVATION, Registry
from course.cli import COMMANDS
from course.grading.snapshot import empty_gradebook_image
from course.knowledge import DATA_DIR

MESOCOURSE = str(Path(sys.executable).parent / "mesocourse")
OBSERVE = ["observe", "t1", "--procedure", "facial_session", "--assessor", "Dr A", "--entrustment", "3",
           "--date", "2024-01-01", "--by", "me"]

# (id, arguments with {placeholders}, exit status, stream that names the problem, text it contains)
CASES = [
    ("knowledge-missing-folder", ["check-knowledge", "--data", "{missing}"], 2, "err", "not a folder"),
    ("knowledge-text-file", ["check-knowledge", "--data", "{text}"], 2, "err", "not a folder"),
    ("knowledge-binary-yaml", ["check-knowledge", "--data", "{binary_kb}"], 1, "err", "areas.yaml: top level"),
    ("demo-out-under-a-file", ["demo", "--out", "{text}/demo"], 2, "err", "notes.txt is not a folder"),
    ("demo-zero-trainees", ["demo", "--trainees", "0"], 2, "err", "--trainees: must be at least 1"),
    ("demo-trainees-not-a-number", ["demo", "--trainees", "many"], 2, "err", "'many' is not a whole number"),
    ("demo-out-holds-a-course", ["demo", "--out", "{course}"], 2, "err", "already holds a course"),
    ("report-missing-course", ["report", "--course", "{missing}", "--out", "{work}/r.html"], 2, "err",
     "no such course folder"),
    ("report-not-a-course", ["report", "--course", "{empty}", "--out", "{work}/r.html"], 2, "err",
     "not an nbgrader course folder"),
    ("report-out-under-a-file", ["report", "--course", "{course}", "--out", "{text}/r.html"], 2, "err",
     "notes.txt is not a folder"),
    ("report-out-is-a-folder", ["report", "--course", "{course}", "--out", "{empty}"], 2, "err", "is a folder"),
    ("report-text-gradebook", ["report", "--course", "{course}", "--db", "sqlite:///{text}", "--out", "{work}/r.html"],
     2, "err", "notes.txt: not a gradebook"),
    ("report-registry-as-gradebook", ["report", "--course", "{course}", "--db", "sqlite:///{registry}",
                                      "--out", "{work}/r.html"], 2, "err", "not an nbgrader gradebook"),
    ("report-missing-gradebook", ["report", "--course", "{course}", "--db", "sqlite:///{missing}.db",
                                  "--out", "{work}/r.html"], 2, "err", "no gradebook at"),
    ("report-config-names-no-gradebook", ["report", "--course", "{configured}", "--out", "{work}/r.html"], 2, "err",
     "no gradebook at"),
    ("report-broken-config", ["report", "--course", "{broken_config}", "--out", "{work}/r.html"], 2, "err",
     "nbgrader_config.py: cannot be loaded: SyntaxError"),
    ("report-missing-attempts", ["report", "--course", "{course}", "--out", "{work}/r.html", "--attempts", "{missing}"],
     2, "err", "--attempts"),
    ("report-bad-date", ["report", "--course", "{course}", "--out", "{work}/r.html", "--attempts", "{empty}",
                         "--date", "tomorrow"], 2, "err", "'tomorrow' is not a date"),
    ("build-notebooks-missing-folder", ["build-notebooks", "--notebooks", "{missing}"], 2, "err", "not a folder"),
    ("build-notebooks-no-narrative", ["build-notebooks", "--check", "--notebooks", "{empty}"], 2, "err",
     "no narrative file for module 00"),
    ("app-unknown-module", ["app", "--modules", "99", "--no-browser"], 2, "err", "no notebook for module 99"),
    ("app-port-not-a-number", ["app", "--port", "http"], 2, "err", "invalid int value: 'http'"),
    ("standard-set-missing-ratings", ["standard-set", "--angoff", "{missing}.csv", "--course", "{course}",
                                      "--registry", "{work}/r.db", "--by", "me"], 2, "err", "file not found"),
    ("standard-set-binary-ratings", ["standard-set", "--angoff", "{binary}", "--course", "{course}",
                                     "--registry", "{work}/r.db", "--by", "me"], 2, "err", "not a CSV text file"),
    ("standard-set-not-a-course", ["standard-set", "--angoff", "{text}", "--course", "{empty}",
                                   "--registry", "{work}/r.db", "--by", "me"], 2, "err", "not an nbgrader course"),
    ("observe-entrustment-not-a-number", [*OBSERVE[:7], "high", *OBSERVE[8:], "--registry", "{work}/r.db"], 2, "err",
     "invalid int value: 'high'"),
    ("observe-unknown-procedure", [*OBSERVE[:3], "juggling", *OBSERVE[4:], "--registry", "{work}/r.db"], 2, "err",
     "unknown procedure 'juggling'"),
    ("observe-text-registry", [*OBSERVE, "--registry", "{text}"], 2, "err", "not a certification registry"),
    ("observe-gradebook-as-registry", [*OBSERVE, "--registry", "{course}/gradebook.db"], 2, "err",
     "a database, but not a certification registry"),
    ("observe-registry-under-a-file", [*OBSERVE, "--registry", "{text}/r.db"], 2, "err", "notes.txt is not a folder"),
    ("observe-default-registry-not-a-course", [*OBSERVE, "--course", "{empty}"], 2, "err",
     "not an nbgrader course folder"),
    ("observe-tampered-registry", [*OBSERVE, "--registry", "{tampered}"], 3, "err", "has been tampered with"),
    ("certify-missing-course", ["certify", "--course", "{missing}", "--by", "me"], 2, "err", "no such course folder"),
    ("certify-out-under-a-file", ["certify", "--course", "{course}", "--out", "{text}/certificates",
                                  "--registry", "{work}/r.db", "--by", "me"], 2, "err", "notes.txt is not a folder"),
    ("certify-text-gradebook", ["certify", "--course", "{course}", "--db", "sqlite:///{text}",
                                "--registry", "{work}/r.db", "--by", "me"], 2, "err", "not a gradebook"),
    ("certify-future-date", ["certify", "--course", "{course}", "--date", "2999-01-01", "--by", "me"], 2, "err",
     "2999-01-01 is in the future"),
    ("verify-unknown-certificate", ["verify", "MC-2024-NOSUCH00", "--registry", "{registry}"], 1, "out",
     "unknown (no such certificate"),
    ("verify-tampered-registry", ["verify", "--registry", "{tampered}"], 3, "out", "registry tampered"),
    ("verify-text-registry", ["verify", "--registry", "{text}"], 2, "err", "not a certification registry"),
    ("verify-missing-registry", ["verify", "--registry", "{missing}/registry.db"], 2, "err",
     "no certification registry at"),
    ("verify-nothing-to-verify", ["verify"], 2, "err", "give CERT_ID, --registry"),
    ("verify-credential-text-keys", ["verify", "--credential", "{text}", "--issuer-keys", "{text}"], 2, "err",
     "not a JWK set"),
    ("keys-url-not-a-web-address", ["keys", "init", "--course", "{empty}", "--name", "Clinic", "--url", "clinic",
                                    "--email", "a@clinic.example"], 2, "err", "'clinic' is not a web address"),
    ("keys-rotate-without-keys", ["keys", "rotate", "--course", "{empty}"], 2, "err", "no issuer keys to rotate"),
    ("verifier-without-keys", ["verifier", "--out", "{missing}", "--course", "{empty}"], 2, "err",
     "no jwks.json, issuer.json, status-list.jwt yet"),
    ("registry-checkpoint-without-keys", ["registry", "checkpoint", "--registry", "{registry}", "--course", "{empty}"],
     2, "err", "no signed checkpoint at"),
    ("expiring-bad-period", ["expiring", "--within", "soon", "--registry", "{registry}"], 2, "err",
     "'soon' is not a period"),
    ("expiring-bad-date", ["expiring", "--date", "yesterday", "--registry", "{registry}"], 2, "err",
     "'yesterday' is not a date"),
    ("revoke-unknown-certificate", ["revoke", "MC-2024-NOSUCH00", "--reason", "test", "--registry", "{registry}",
                                    "--by", "me"], 2, "err", "unknown certificate"),
    ("revoke-tampered-registry", ["revoke", "MC-2024-NOSUCH00", "--reason", "test", "--registry", "{tampered}",
                                  "--by", "me"], 3, "err", "has been tampered with"),
    ("export-unknown-format", ["certification-export", "--format", "pdf"], 2, "err", "invalid choice: 'pdf'"),
    ("export-out-under-a-file", ["certification-export", "--format", "hr", "--registry", "{registry}",
                                 "--out", "{text}/hr.csv"], 2, "err", "notes.txt is not a folder"),
    ("release-not-a-course", ["release", "--course", "{empty}"], 2, "err", "not an nbgrader course folder"),
    ("release-a-file", ["release", "--course", "{text}"], 2, "err", "not a folder"),
    ("release-unknown-assignment", ["release", "--only", "juggling"], 2, "err", "invalid choice: 'juggling'"),
    ("release-zero-variants", ["release", "--variants", "0"], 2, "err", "--variants: must be 1 to 1000, got 0"),
    ("variants-missing-course", ["variants", "screening", "--course", "{missing}"], 2, "err", "no such course folder"),
    ("variants-no-source", ["variants", "screening", "--course", "{course}"], 2, "err",
     "source/screening/screening.ipynb: no source notebook"),
    ("variants-unknown-assignment", ["variants", "juggling"], 2, "err", "invalid choice: 'juggling'"),
    ("grade-missing-course", ["grade", "ps1", "--course", "{missing}"], 2, "err", "no such course folder"),
    ("grade-unknown-assignment", ["grade", "juggling", "--course", "{course}"], 2, "err",
     "assignment 'juggling' is not in the gradebook"),
    ("grade-unknown-student", ["grade", "ps1", "--course", "{course}", "--student", "nobody"], 2, "err",
     "no submission of 'ps1' for nobody"),
    ("grade-zero-workers", ["grade", "ps1", "--course", "{course}", "--workers", "0"], 2, "err", "at least 1"),
    ("grade-text-gradebook", ["grade", "ps1", "--course", "{text_gradebook}"], 2, "err", "not a gradebook"),
    ("feedback-missing-course", ["feedback", "ps1", "--course", "{missing}"], 2, "err", "no such course folder"),
    ("feedback-nothing-graded", ["feedback", "ps1", "--course", "{course}"], 2, "err", "no graded submission"),
    ("feedback-text-gradebook", ["feedback", "ps1", "--course", "{text_gradebook}"], 2, "err", "not a gradebook"),
    ("hub-port-not-a-number", ["hub", "--port", "http"], 2, "err", "invalid int value: 'http'"),
    ("hub-unknown-action", ["hub", "juggle"], 2, "err", "invalid choice: 'juggle'"),
    ("hub-cull-idle-negative", ["hub", "--cull-idle", "-5"], 2, "err", "must be 0 (never) or more, got -5"),
    ("hub-cull-idle-not-a-number", ["hub", "--cull-idle", "an hour"], 2, "err", "'an hour' is not a number of minutes"),
]


def _tree(root: Path) -> dict[str, str]:
    """Every file (by content) and folder under ``root``."""
    folders = {str(path.relative_to(root)): "folder" for path in root.rglob("*") if path.is_dir()}
    return {**folders, **tree_hashes(root)}


def _registry(path: Path) -> Path:
    with Registry(f"sqlite:///{path}", create=True) as registry, registry.transaction("tester") as tx:
        tx.append(OBSERVATION, {"trainee": "t1", "procedure": "facial_session", "entrustment": 3,
                                "date": "2024-01-01", "assessor": "Dr A"}, trainee="t1")
        tx.append(OBSERVATION, {"trainee": "t2", "procedure": "facial_session", "entrustment": 3,
                                "date": "2024-01-01", "assessor": "Dr A"}, trainee="t2")
    return path


def _tampered(original: Path, path: Path) -> Path:
    shutil.copy(original, path)
    with closing(sqlite3.connect(path)) as db:
        db.execute("DROP TRIGGER registry_records_no_delete")
        db.execute("DELETE FROM registry_records WHERE seq = 1")
        db.commit()
    return path


def _course(root: Path) -> Path:
    """A course as certification tests build it: tagged source notebooks and a filled gradebook."""
    write_sources(root)
    (root / "gradebook.db").write_bytes(empty_gradebook_image())  # as nbgrader creates it, without alembic
    write_gradebook(root, [Trainee("t1"), Trainee("t2")])
    return root


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every folder and file the table refers to, under one root that must not change."""
    root = tmp_path_factory.mktemp("cli-errors")
    places = {name: root / name for name in ("work", "empty", "configured", "broken_config", "text_gradebook",
                                              "binary_kb")}
    for name in ("work", "empty", "configured", "broken_config", "text_gradebook"):
        places[name].mkdir()
    places["home"] = tmp_path_factory.mktemp("cli-errors-home")  # outside the root: tools may write there
    places["cache"] = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    places["course"] = _course(root / "course")
    places["registry"] = _registry(root / "registry.db")
    places["tampered"] = _tampered(places["registry"], root / "tampered.db")
    places["text"] = root / "notes.txt"
    places["text"].write_text("not what it claims to be\n")
    places["binary"] = root / "ratings.csv"
    places["binary"].write_bytes(bytes(range(256)) * 4)
    places["missing"] = root / "nowhere"
    shutil.copytree(DATA_DIR, places["binary_kb"])
    (places["binary_kb"] / "areas.yaml").write_bytes(b"\xff\xfe\x00binary\x00" * 64)
    (places["configured"] / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.db_url = 'sqlite:///data/grades.db'\n")
    (places["broken_config"] / "nbgrader_config.py").write_text("c = get_config(\n")
    (places["text_gradebook"] / "nbgrader_config.py").write_text("c = get_config()\n")
    (places["text_gradebook"] / "gradebook.db").write_text("student,score\n")
    return places


def test_the_table_covers_every_command() -> None:
    assert {arguments[0] for _, arguments, *_ in CASES} == set(COMMANDS)


@pytest.mark.parametrize(("arguments", "status", "stream", "expected"),
                         [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_a_bad_invocation_fails_cleanly(world: dict[str, Path], arguments: list[str], status: int, stream: str,
                                        expected: str) -> None:
    root = world["work"].parent
    before = _tree(root)
    env = {**os.environ, "HOME": str(world["home"]), "XDG_CACHE_HOME": str(world["cache"]), "MESOCOURSE_USER": "tester"}
    env.pop("MESOCOURSE_REGISTRY", None)
    env.pop("MESOCOURSE_ISSUER", None)
    argv = [part.format(**{name: str(path) for name, path in world.items()}) for part in arguments]
    done = subprocess.run([MESOCOURSE, *argv], capture_output=True, text=True, cwd=world["work"], env=env,
                          timeout=300, check=False)
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode == status, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    if stream == "err":
        assert len(lines) == 1 and expected in lines[0], done.stderr
        assert lines[0].startswith(f"mesocourse {argv[0]}: error: ") or argv[0] == "check-knowledge", lines[0]
    else:
        assert expected in done.stdout and not lines, done.stdout + done.stderr
    assert _tree(root) == before
