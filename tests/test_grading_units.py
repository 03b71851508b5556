"""The grading pieces that need no kernel: fast checks on real files and processes."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from prerequisites import require, root_missing

from course.coursedir import Course
from course.grading import GradingLimits, SubmissionResult
from course.grading.gradesheet import write_gradesheet
from course.grading.kernel_launcher import __file__ as LAUNCHER
from course.grading.kernel_launcher import landlock_abi
from course.grading.ledger import Ledger
from course.grading.progress_bar import ProgressBar
from course.grading.snapshot import AssignmentSnapshot, CellSpec, NotebookSpec
from course.grading.submission_staging import fingerprint_submission, stage_submission
from course.nbgrader_api import failure_reason

SPEC = NotebookSpec("lab", (
    CellSpec("intro", "markdown", locked=True),
    CellSpec("answer", "code", locked=False, solution=True),
    CellSpec("test_a", "code", locked=True, grade=True, points=2),
    CellSpec("test_b", "code", locked=True, grade=True, points=1),
))
SNAPSHOT = AssignmentSnapshot("hw", 3.0, (SPEC,), image=b"", fingerprint="f")


def _cell(spec: CellSpec, source: str = "pass") -> nbformat.NotebookNode:
    grading = {"grade": spec.grade, "grade_id": spec.name, "locked": spec.locked, "solution": spec.solution,
               "schema_version": 3, **({"points": spec.points} if spec.grade else {})}
    make = new_code_cell if spec.cell_type == "code" else new_markdown_cell
    return make(source, metadata={"nbgrader": grading})


def _grade_ids(path: Path) -> list[str | None]:
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nbformat.read(path, as_version=4).cells]


def test_intake_repairs_duplicated_and_deleted_cells(tmp_path: Path):
    intro, answer, test_a, test_b = SPEC.cells
    original = tmp_path / "submitted"
    original.mkdir()
    nb = new_notebook(cells=[_cell(answer, "x = 0"), _cell(answer, "x = 1"), _cell(test_a),
                             new_code_cell("scratch work")])
    nb.cells[2].metadata["nbgrader"] = "broken"
    nbformat.write(nb, original / "lab.ipynb")
    (original / "secret").symlink_to("/etc/hostname")
    intake = stage_submission(original, tmp_path / "staged", SNAPSHOT, max_file_bytes=10_000)
    assert _grade_ids(tmp_path / "staged" / "lab.ipynb") == ["intro", None, "answer", "test_a", "test_b",
                                                             None, None]
    assert intake.deleted_grades == {"lab": ["test_a", "test_b"]}
    assert intake.notebooks == ["lab"]
    assert "cell 3 of lab.ipynb had damaged grading metadata; treated as an ordinary cell" in intake.notes
    assert "cell 'answer' appears 2 times in lab.ipynb; the last copy was graded" in intake.notes
    assert "read-only cell 'intro' was deleted from lab.ipynb; it was put back" in intake.notes
    assert "ignored the symbolic link secret" in intake.notes
    assert not (tmp_path / "staged" / "secret").exists()


def test_intake_makes_forged_grading_cells_ordinary(tmp_path: Path):
    """nbgrader (add_missing_cells on) fails a notebook on metadata naming no cell of the assignment."""
    original = tmp_path / "submitted"
    original.mkdir()
    forged = _cell(CellSpec("forged_setup", "code", locked=True), "print('all tests pass')")
    no_id = new_code_cell("x = 2", metadata={"nbgrader": {"grade": False, "locked": True, "solution": False}})
    nb = new_notebook(cells=[*[_cell(spec) for spec in SPEC.cells[:2]], forged, no_id, *map(_cell, SPEC.cells[2:])])
    nbformat.write(nb, original / "lab.ipynb")
    intake = stage_submission(original, tmp_path / "staged", SNAPSHOT, max_file_bytes=10_000)
    assert _grade_ids(tmp_path / "staged" / "lab.ipynb") == ["intro", "answer", None, None, "test_a", "test_b"]
    assert intake.notes == [
        "cell 3 of lab.ipynb claims to be cell 'forged_setup', which the assignment does not have; "
        "treated as an ordinary cell",
        "cell 4 of lab.ipynb had damaged grading metadata; treated as an ordinary cell"]
    assert intake.deleted_grades == {}


def test_intake_copies_a_sound_notebook_byte_for_byte_and_reports_missing_ones(tmp_path: Path):
    original = tmp_path / "submitted"
    original.mkdir()
    nbformat.write(new_notebook(cells=[_cell(spec) for spec in SPEC.cells]), original / "lab-copy.ipynb")
    intake = stage_submission(original, tmp_path / "staged", SNAPSHOT, max_file_bytes=10_000)
    assert intake.notebooks == [] and intake.notes == ["lab.ipynb is missing (found instead: lab-copy.ipynb); "
                                                       "its cells score 0"]
    (original / "lab-copy.ipynb").rename(original / "lab.ipynb")
    (original / "big.bin").write_bytes(b"0" * 20_000)
    intake = stage_submission(original, tmp_path / "staged2", SNAPSHOT, max_file_bytes=10_000)
    assert intake.notes == ["ignored big.bin: 20 kB is over the 10 kB limit per file"]
    assert (tmp_path / "staged2" / "lab.ipynb").read_bytes() == (original / "lab.ipynb").read_bytes()


def test_fingerprint_follows_content_and_links_not_their_targets(tmp_path: Path):
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / "link").symlink_to(tmp_path / "a.ipynb")
    first = fingerprint_submission(tmp_path)
    assert fingerprint_submission(tmp_path) == first
    (tmp_path / "a.ipynb").write_text("{ }")
    second = fingerprint_submission(tmp_path)
    assert second != first
    (tmp_path / "link").unlink()
    (tmp_path / "link").symlink_to("/etc/hostname")
    assert fingerprint_submission(tmp_path) not in (first, second)


def test_ledger_survives_a_restart_and_ignores_a_corrupt_file(tmp_path: Path):
    path = tmp_path / "state" / "hw.json"
    result = SubmissionResult("ana", "flagged", 2.5, 3.0, ("a note",), "fp1", 1.2)
    Ledger(path).record(result)
    again = Ledger(path)
    assert again.current("ana", "fp1") == SubmissionResult("ana", "flagged", 2.5, 3.0, ("a note",), "fp1", 1.2,
                                                           fresh=False)
    assert again.current("ana", "fp2") is None and again.results(["bob", "ana"]) == [again.current("ana", "fp1")]
    path.write_text("{ half written")
    assert Ledger(path).results(["ana"]) == []


def test_gradesheet_columns_and_plain_numbers(tmp_path: Path):
    results = [SubmissionResult("zoe", "failed", None, 4.0, ("no notebook", "missing"), "", 0.1),
               SubmissionResult("ana", "graded", 2.5, 4.0, (), "x", 1.0)]
    path = write_gradesheet(tmp_path / "reports" / "grading-hw.csv", results)
    assert path.read_text() == ("student_id,status,score,max_score,notes\n"
                                "ana,graded,2.5,4,\n"
                                "zoe,failed,,4,no notebook; missing\n")


def test_course_paths_follow_its_nbgrader_config(tmp_path: Path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.db_url = 'sqlite:///gb.sqlite'\n"
                                                 "c.CourseDirectory.root = '.'\n")
    for student in ("ana", "bob", ".hidden"):
        (tmp_path / "submitted" / student / "hw").mkdir(parents=True)
    (tmp_path / "submitted" / "carl").mkdir()
    course = Course.open(tmp_path)
    assert course.db_url == f"sqlite:///{tmp_path.resolve() / 'gb.sqlite'}"
    assert list(course.students_with("submitted", "hw")) == ["ana", "bob"]
    assert course.folder("autograded", "ana", "hw") == tmp_path.resolve() / "autograded" / "ana" / "hw"


def test_nbgrader_failure_names_the_real_error():
    log = ("[ERROR] There was an error processing assignment: x\n    Traceback (most recent call last):\n"
           "    nbgrader.nbgraderformat.common.ValidationError: duplicate grade id\n"
           "[ERROR] Please see the the above traceback for details\n")
    assert failure_reason({"log": log}) == "nbgrader.nbgraderformat.common.ValidationError: duplicate grade id"


def test_limits_must_be_positive():
    with pytest.raises(ValueError, match="memory_mb"):
        GradingLimits(memory_mb=0)
    with pytest.raises(ValueError, match="sandbox"):
        GradingLimits(sandbox="maybe")


def test_progress_prints_one_line_per_result_off_a_terminal():
    stream = io.StringIO()
    bar = ProgressBar("hw", stream=stream)
    bar(SubmissionResult("ana", "graded", 3.0, 4.0, (), "", 1.0), 1, 2)
    bar(SubmissionResult("bob", "failed", None, 4.0, (), "", 1.0), 2, 2)
    assert stream.getvalue() == "hw [1/2] ana: graded 3/4\nhw [2/2] bob: failed\n"


def _launch(*options: str, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-I", LAUNCHER, *options, "--", sys.executable, "-c", code],
                          capture_output=True, text=True, timeout=60)


def test_the_kernel_launcher_bounds_memory():
    done = _launch("--memory-mb", "300", code="""
try:
    bytearray(1024 ** 3)
except MemoryError:
    print("MemoryError")
""")
    assert done.stdout.strip() == "MemoryError", done.stderr


def test_a_kernel_started_as_root_cannot_lift_its_limits():
    require(root_missing())  # only root has capabilities to lose
    done = _launch("--memory-mb", "300", code="""
import resource
try:
    resource.setrlimit(resource.RLIMIT_DATA, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    print("lifted")
except (ValueError, OSError):
    print("kept")
""")
    assert done.stdout.strip() == "kept", done.stderr


@pytest.mark.skipif(landlock_abi() < 1, reason="this Linux kernel has no Landlock")
def test_the_kernel_launcher_confines_files_under_landlock(tmp_path: Path):
    (tmp_path / "allowed").mkdir()
    (tmp_path / "secret.txt").write_text("gradebook")
    code = f"""
open({str(tmp_path / 'allowed' / 'out.txt')!r}, 'w').write('ok')
for attempt in (lambda: open({str(tmp_path / 'secret.txt')!r}).read(), lambda: open('/tmp/escape', 'w')):
    try:
        attempt()
        print('reached')
    except PermissionError:
        print('denied')
"""
    prefixes = sorted({sys.prefix, sys.base_prefix})
    reads = [arg for folder in ["/usr", "/lib", "/lib64", "/etc", "/proc", "/dev", *prefixes]
             for arg in ("--read", folder)]
    done = _launch("--landlock", *reads, "--write", str(tmp_path / "allowed"), code=code)
    assert done.stdout.split() == ["denied", "denied"], done.stderr
    assert (tmp_path / "allowed" / "out.txt").read_text() == "ok"


SCHEMA_CHECKS = """
import json, jsonschema
from nbgrader.nbgraderformat.v3 import MetadataValidatorV3
from course.grading.speedups import remember_checked_schemas

schema = MetadataValidatorV3().schema
cases = [{"grade": True, "grade_id": "q1", "locked": True, "points": 2, "schema_version": 3, "solution": False},
         {"grade": True, "grade_id": "q1", "locked": True, "points": "two", "schema_version": 3, "solution": False},
         {"grade": "yes", "grade_id": 7, "schema_version": 3},
         {"schema_version": 3}]

def outcomes():
    found = []
    for case in cases:
        try:
            jsonschema.validate(case, json.loads(json.dumps(schema)))  # a fresh dict each time, as nbgrader
            found.append("valid")
        except jsonschema.ValidationError as error:
            found.append(f"invalid: {error.message} at {list(error.path)}")
    try:
        jsonschema.validate({}, {"type": 12})
    except jsonschema.SchemaError as error:
        found.append(f"bad schema: {error.message}")
    return found

before = outcomes()
remember_checked_schemas()
print(json.dumps([before, outcomes(), outcomes()]))
"""


def test_the_workers_schema_shortcut_validates_nbgrader_metadata_exactly_as_jsonschema():
    done = subprocess.run([sys.executable, "-c", SCHEMA_CHECKS], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    import json

    before, after, again = json.loads(done.stdout)
    assert before == after == again
    assert before[0] == "valid" and before[1].startswith("invalid: 'two' is not of type 'number'")
    assert before[-1].startswith("bad schema: ")


ENGINE_REUSE = """
import json, sys
from pathlib import Path
from nbgrader.api import Gradebook
from course.grading.speedups import reuse_engines
from course.grading.snapshot import MemoryGradebook

reuse_engines()
folder = Path(sys.argv[1])
first_url, other_url = f"sqlite:///{folder / 'a.db'}", f"sqlite:///{folder / 'b.db'}"
with Gradebook(first_url) as a:
    a.add_student("ann")
    engine = a.engine
    with Gradebook(first_url) as inner:  # a second gradebook on the same database, closed first
        inner.add_student("bob")
    a.add_student("cy")  # still works after the other one's close disposed of the shared engine
with Gradebook(first_url) as again, Gradebook(other_url) as other:
    students = sorted(s.id for s in again.students)
    shared, separate = again.engine is engine, other.engine is not engine
with MemoryGradebook(name="w") as memory:
    with Gradebook(memory.url) as book:
        book.add_student("dee")
    image = memory.image()
with MemoryGradebook(name="w") as empty, Gradebook(empty.url) as book:
    gone = [s.id for s in book.students]
with MemoryGradebook(image, name="w") as loaded, Gradebook(loaded.url) as book:
    back = [s.id for s in book.students]
print(json.dumps([students, shared, separate, gone, back]))
"""


@pytest.mark.long
def test_gradebooks_share_one_engine_per_database_and_stay_correct(tmp_path):
    done = subprocess.run([sys.executable, "-c", ENGINE_REUSE, str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    import json

    students, shared, separate, gone, back = json.loads(done.stdout.splitlines()[-1])
    assert students == ["ann", "bob", "cy"]
    assert shared and separate
    assert gone == [] and back == ["dee"]  # a named memory gradebook starts from its image, nothing else
