"""Graded assignments through real nbgrader: Validator, generate_assignment,
autograde and generate_feedback in a temporary course using the repository's
``nbgrader_config.py``.

One autograde run grades every submission (reference, unmodified release,
realistic partial answers and gaming attempts); the expected marks of the partial
submissions are worked out by hand below, from the scoring rules stated in each
assignment's introduction, not by calling the grading code.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.validator import Validator

from course.assignments import ASSIGNMENTS
from course.assignments.catalog import load_assignment, reference_answers
from course.assignments.cli import release
from course.assignments.submission import fill_answers
from course.coursedir import Course
from course.grading.integrity import NOTE

REPO = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.long]

AFTERCARE = ["sunscreen", "cold_compress", "keep_clean", "protective_cream", "report_warning_signs",
             "severe_pain_review"]

# --- realistic partial answers, with the marks each test cell must give ---------
PARTIAL = {
    "screening": {
        # case_01: decision right (2), 1 of 2 reasons (1 x 1/2), excluded right (1)
        "case_01_decision": "decline", "case_01_reasons": ["pregnancy"], "case_01_excluded": ["organic_silicon"],
        # case_02: wrong decision (0), the reason missed (0), nothing excluded, right (1)
        "case_02_decision": "proceed", "case_02_reasons": [], "case_02_excluded": [],
        # case_03: decision (2), right reason + a wrong one: (1 - 1) / 1 = 0, excluded (1)
        "case_03_decision": "defer", "case_03_reasons": ["aspirin_nsaid_recent", "acute_illness"],
        "case_03_excluded": [],
        # case_04: declines instead of referring (0), reason (1), excluded (1)
        "case_04_decision": "decline", "case_04_reasons": ["anticoagulant"], "case_04_excluded": [],
        # case_05: decision (2), reason (1), one right + one wrong exclusion: 0
        "case_05_decision": "modify_cocktail", "case_05_reasons": ["ingredient_allergy"],
        "case_05_excluded": ["vitamin_c", "hyaluronic_acid"],
        # case_06: a misspelt decision is not an allowed value (0), reasons (1), excluded (1)
        "case_06_decision": "Modify_cocktail", "case_06_reasons": ["organic_silicon_restriction"],
        "case_06_excluded": ["organic_silicon"],
        # case_07: an infection where she would be injected:
        # decision (2), the reason forgotten (0), nothing excluded (1)
        "case_07_decision": "defer", "case_07_reasons": [], "case_07_excluded": [],
        # case_08: decision (2), the right reasons typed as a tuple, not a list (0), excluded (1)
        "case_08_decision": "defer", "case_08_reasons": ("acute_illness", "sensitive_skin"), "case_08_excluded": [],
        # case_09 and case_11 to case_16: not answered; case_10: all right (4)
        "case_10_decision": "decline", "case_10_reasons": ["prescribed_aspirin_nsaid", "breastfeeding"],
        "case_10_excluded": ["organic_silicon"],
    },
    "planning": {
        # patient_01 (face_004 from 2025-03-03): protocol (1), 4 sessions over 21 days from the right day (2),
        # pre-treatment (1), 5 of 6 aftercare items (5/6): 4.83
        "patient_01_protocol": "face_004",
        "patient_01_sessions": ["2025-03-03", "2025-03-10", "2025-03-17", "2025-03-24"],
        "patient_01_pre_treatment": {"stop_aspirin_nsaid": "2025-02-17", "no_makeup_perfume": "2025-03-03",
                                     "be_healthy": "2025-03-03"},
        "patient_01_aftercare": AFTERCARE[:5],
        # patient_02 (face_002 from 2025-04-07): wrong protocol (0), right first day (1) but 3 sessions where
        # face_002 needs 6 (0), pre-treatment (1), all aftercare + a pre-treatment step: (6 - 1) / 6: 2.83
        "patient_02_protocol": "face_004",
        "patient_02_sessions": ["2025-04-07", "2025-04-14", "2025-04-21"],
        "patient_02_pre_treatment": {"stop_aspirin_nsaid": "2025-03-24", "no_makeup_perfume": "2025-04-07",
                                     "be_healthy": "2025-04-07"},
        "patient_02_aftercare": AFTERCARE + ["no_makeup_perfume"],
        # patient_03 (hair_004 from 2025-05-05): protocol (1), right first day (1) but sessions stop in July
        # although the protocol runs 6 months (0), 2 of 3 pre-treatment dates (2/3), aftercare (1): 3.67
        "patient_03_protocol": "hair_004",
        "patient_03_sessions": ["2025-05-05", "2025-06-02", "2025-06-30", "2025-07-28"],
        "patient_03_pre_treatment": {"stop_aspirin_nsaid": "2025-04-22", "no_makeup_perfume": "2025-05-05",
                                     "be_healthy": "2025-05-05"},
        "patient_03_aftercare": AFTERCARE,
        # patient_04 (body_004; aspirin on 2025-02-26 defers the start to 2025-03-12): protocol (1),
        # starts on 2025-03-03 (0) with a valid body_004 schedule (1), pre-treatment right from that first day (1),
        # aftercare (1): 4
        "patient_04_protocol": "body_004",
        "patient_04_sessions": ["2025-03-03", "2025-03-18", "2025-04-02", "2025-04-17", "2025-05-02", "2025-05-17"],
        "patient_04_pre_treatment": {"stop_aspirin_nsaid": "2025-02-17", "no_makeup_perfume": "2025-03-03",
                                     "be_healthy": "2025-03-03"},
        "patient_04_aftercare": AFTERCARE,
    },
    "depth": {
        # problem_01: 4 mm at 60 degrees is 3.46 mm (1), but that is intradermal, not hypodermic (0)
        "problem_01_tip_depth": 3.46, "problem_01_technique": "hypodermic",
        # problem_02: 13 sin 15 = 3.36 mm (1), the chin's hypodermis, not the dermis (0)
        "problem_02_tip_depth": 3.36, "problem_02_layer": "dermis",
        "problem_03_technique": "superficial_intradermal",  # (1)
        # 3.36 mm: facial fat or deeper, not dermis (0)
        "problem_04_needle_and_angle": {"needle_mm": 13, "angle_deg": 15},
        "problem_05_layer": "dermis",  # the neck has no reliable figure (0)
        "problem_06_tip_depth": "3.0", "problem_06_layer": "no_reliable_figure",  # a text, not a number (0); (1)
        "problem_08_tip_depth": 2.83, "problem_08_layer": "hypodermis", "problem_08_technique": "intradermal",  # (3)
        # problem_09: 4 mm on the face, site unknown: fat or deeper; "hypodermis" is one of them (2)
        "problem_09_tip_depth": 4, "problem_09_layer": "hypodermis",
    },
    "certification": {
        "pregnant_patient_decision": "defer", "pregnant_patient_reasons": ["pregnancy"],
        "pregnant_patient_excluded": [],  # 0+1+0
        "anticoagulant_patient_decision": "refer", "anticoagulant_patient_reasons": ["anticoagulant"],
        "anticoagulant_patient_excluded": [],  # 4
        "allergy_patient_decision": "modify_cocktail", "allergy_patient_reasons": ["ingredient_allergy"],
        "allergy_patient_excluded": ["vitamin_c"],  # 2 + 1/3 + 1/2: misses regulatory_warning and glutathione
        "history_record_pregnant": False, "history_record_breastfeeding": 0,  # 1 + 0 (0 is not False)
        "history_record_conditions": ["kidney_disease"], "history_record_allergies": ["enzymes"],  # + 1/2 + 1
        "medication_record_medications": ["nsaid"],  # misses the anticoagulant: 2 x 1/2
        "chin_depth_tip_depth": 4.24, "chin_depth_layer": "hypodermis",  # 2
        "reach_dermis_needle_and_angle": {"needle_mm": 4.0, "angle_deg": 10},  # 0.69 mm: the facial dermis (2)
        "source_labels_labels": {"has_2014": "regulatory", "seed_004": "published_study",
                                 "konda_thappa_2013": "published_study", "sfm": "practice_guidance"},  # 2 x 3/4
        "invasiveness_sources": ["seed_000", "seed_004", "seed_001"],  # 2 x (2 - 1) / 3 = 0.67
        "thigh_indications_indications": ["stretch_marks", "cellulite", "localized_fat"],  # 2
        "cocktail_review_red_flags": ["glutathione"],
        "cocktail_review_missing_roles": ["collagen_stimulation"],  # 1/2 + 1/2 (misses antioxidant)
        "session_steps_order": ["consultation", "consent", "screening", "skin_preparation", "injection",
                                "protective_care", "aftercare_advice"],  # 6 of 7 in order: 2 x 6/7 = 1.71
        # itching on the day is expected, the rash monitor: 3 x 4/6
        "reaction_triage_triage": {"swelling": "expected", "itching": "monitor", "persistent_itching": "monitor",
                                   "pinpoint_bruises": "expected", "rash": "expected", "allergic_reaction": "urgent"},
        "warning_signs_urgent": ["infection", "tender_nodules"],  # misses the late redness: 2 x 2/3
    },
}
PARTIAL_MARKS = {
    "screening": {"case_01": 3.5, "case_02": 1, "case_03": 3, "case_04": 2, "case_05": 3, "case_06": 2,
                  "case_07": 3, "case_08": 3, "case_09": 0, "case_10": 4,
                  "case_11": 0, "case_12": 0, "case_13": 0, "case_14": 0, "case_15": 0, "case_16": 0},
    "planning": {"patient_01": 4.83, "patient_02": 2.83, "patient_03": 3.67, "patient_04": 4, "patient_05": 0},
    "depth": {"problem_01": 1, "problem_02": 1, "problem_03": 1, "problem_04": 0, "problem_05": 0,
              "problem_06": 1, "problem_07": 2, "problem_08": 3, "problem_09": 2},
    "certification": {"pregnant_patient": 1, "anticoagulant_patient": 4, "allergy_patient": 2.83, "history_record": 2.5,
                      "medication_record": 1, "chin_depth": 2, "reach_dermis": 2, "course_plan": 0,
                      "source_labels": 1.5,
                      "invasiveness": 0.67, "thigh_indications": 2, "cocktail_review": 1.0, "session_steps": 1.71,
                      "reaction_triage": 2, "warning_signs": 1.33},
}


# --- notebook edits ------------------------------------------------------------
def _answer_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]


def _insert_after(nb: nbformat.NotebookNode, grade_id: str, cell: nbformat.NotebookNode) -> None:
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    nb.cells.insert(index + 1, cell)


def answers_in_a_new_cell(nb: nbformat.NotebookNode) -> None:
    """problem_07 answered in a cell the trainee added below the answer cell: plain values count (2)."""
    _insert_after(nb, "problem_07_answer",
                  nbformat.v4.new_code_cell('problem_07_layer = "dermis"\nproblem_07_technique = "epidermal"'))


DISPLAY_HACK = (
    "ip = get_ipython()\n"
    "ip.display_formatter.formatters['text/plain'].for_type(float, lambda obj, p, cycle: p.text('1.0'))\n"
    "import sys\nsys.displayhook = lambda value: print(1.0)\n"
)
SILENT_RESULTS = "%config InteractiveShell.ast_node_interactivity = 'none'\n"


PERMISSIVE = ("class Anything:\n    def __eq__(self, other):\n        return True\n"
              "    def __hash__(self):\n        return 0\n")


def permissive_objects(nb: nbformat.NotebookNode, keep_first: bool = False) -> None:
    """Every answer an object equal to everything (optionally after an honest first answer cell)."""
    for cell in _answer_cells(nb)[1 if keep_first else 0:]:
        names = [line.split(" = ")[0] for line in cell.source.splitlines() if line.endswith(" = None")]
        cell.source = PERMISSIVE + "\n".join(f"{name} = Anything()" for name in names)


def shadow_grading_names(nb: nbformat.NotebookNode) -> None:
    _answer_cells(nb)[0].source = (
        "_mc_filled = lambda *a: True\n_mc_grade = lambda *a, **k: 5.0\n_mc_score = 5.0\n_mc_type = lambda x: str\n"
        "len = lambda x: 0\nisinstance = lambda *a: True\nprint = lambda *a, **k: None\n"
        'patient_01_protocol = "face_002"\n'
    )


def patch_course_and_builtins(nb: nbformat.NotebookNode) -> None:
    _answer_cells(nb)[0].source = (
        "import builtins, sys\nimport course.depth\nbuiltins.abs = lambda x: 0\nbuiltins.print = lambda *a, **k: None\n"
        "course.depth.tip_depth_mm = lambda *a: 4.0\nsys.modules['course.assignments.grader'] = None\n"
        + SILENT_RESULTS + "!echo patched\n"
    )


FAKE_GRADER = (
    "import builtins, sys, types\nimport course.assignments.grader as real\n"
    "real.hidden_test = lambda title, points, fields: points\n"  # the module object, monkeypatched
    "fake = types.ModuleType(real.__name__)\nfake.visible_test = lambda *a: None\nfake.hidden_test = real.hidden_test\n"
    "sys.modules[real.__name__] = fake\n"  # a fake module planted under the grader's name
    "course_import = builtins.__import__\n"
    "builtins.__import__ = lambda name, *a, **k: fake if name == real.__name__ else course_import(name, *a, **k)\n"
)


def fake_the_grader(nb: nbformat.NotebookNode) -> None:
    """The grader the test cells import replaced, in every way an answer cell could, before any test runs."""
    _answer_cells(nb)[0].source = FAKE_GRADER


def fake_the_displayed_score(nb: nbformat.NotebookNode) -> None:
    """Every test's result shown as 1.0, from the first answer cell and from an added cell."""
    _answer_cells(nb)[0].source = DISPLAY_HACK
    _insert_after(nb, _answer_cells(nb)[1].metadata.nbgrader.grade_id, nbformat.v4.new_code_cell(DISPLAY_HACK))


def forge_a_read_only_cell(nb: nbformat.NotebookNode) -> None:
    """A cell claiming to be a read-only cell the source does not have, hiding every test's result."""
    nb.cells.insert(1, nbformat.v4.new_code_cell(SILENT_RESULTS, metadata={"nbgrader": {
        "grade": False, "grade_id": "forged_setup", "locked": True, "schema_version": 3, "solution": False,
        "task": False}}))


def honest_first_case_then_cheat(nb: nbformat.NotebookNode) -> None:
    """case_01 answered honestly (4 points), every other answer permissive, the display faked."""
    permissive_objects(nb, keep_first=True)
    _insert_after(nb, "case_01_answer", nbformat.v4.new_code_cell(DISPLAY_HACK))


Edit = Callable[[nbformat.NotebookNode], None]
SUBMISSIONS: list[tuple[str, str, dict, Edit | None]] = [
    *(("reference", a, reference_answers(a), None) for a in ASSIGNMENTS),
    *(("release", a, {}, None) for a in ASSIGNMENTS),
    *(("partial", a, PARTIAL[a], answers_in_a_new_cell if a == "depth" else None) for a in ASSIGNMENTS),
    ("gamer_eq", "screening", {}, permissive_objects),
    ("gamer_shadow", "planning", {}, shadow_grading_names),
    ("gamer_patch", "depth", {}, patch_course_and_builtins),
    ("gamer_display", "certification", {}, fake_the_displayed_score),
    ("gamer_grader", "planning", {}, fake_the_grader),
    ("gamer_forged", "screening", {}, forge_a_read_only_cell),
    ("gamer_mixed", "screening", {k: v for k, v in reference_answers("screening").items() if k.startswith("case_01_")},
     honest_first_case_then_cheat),
]


def nbgrader(course: Path, *args: str) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["nbgrader", *args], cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[AutogradeApp | ERROR]" not in done.stderr, done.stderr


@pytest.fixture(scope="session")  # session: xdist may interleave modules
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary course: the repository's config and the assignments as written (one variant,
    so that the marks worked out by hand above apply to everyone), released, submitted and
    autograded. Variants are graded in ``test_variant_grading.py``."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(REPO / "nbgrader_config.py", root)
    parser = argparse.ArgumentParser()
    release.add_arguments(parser)  # `mesocourse release`: nbgrader generate_assignment through its Python API
    assert release.run(parser.parse_args(["--course", str(root), "--variants", "1"])) == 0
    for student, assignment, answers, edit in SUBMISSIONS:
        nb = fill_answers(nbformat.read(root / "release" / assignment / f"{assignment}.ipynb", as_version=4), answers)
        if edit:
            edit(nb)
        target = root / "submitted" / student / assignment / f"{assignment}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
    nbgrader(root, "autograde", "*", "--force")
    nbgrader(root, "generate_feedback", "*", "--student", "partial", "--force")
    return root


def marks(course: Path, student: str, assignment: str) -> dict[str, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "mesocourse") as gradebook:
        notebook = gradebook.find_submission_notebook(assignment, assignment, student)
        return {grade.name: grade.score for grade in notebook.grades}


def total(course: Path, student: str, assignment: str) -> float:
    return round(sum(marks(course, student, assignment).values()), 6)


# --- release in sync -------------------------------------------------------------
@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed sources (with variants), released by `mesocourse release --skip-build`."""
    root = tmp_path_factory.mktemp("committed")
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "source", root / "source")
    parser = argparse.ArgumentParser()
    release.add_arguments(parser)
    assert release.run(parser.parse_args(["--course", str(root), "--skip-build"])) == 0
    return root


def test_committed_release_is_what_generate_assignment_makes_from_source(committed: Path) -> None:
    course = committed
    for name in ASSIGNMENTS:
        fresh = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
        committed = nbformat.read(REPO / "release" / name / f"{name}.ipynb", as_version=4)
        assert fresh.metadata == committed.metadata
        assert [(c.cell_type, c.source, c.metadata) for c in fresh.cells] == \
               [(c.cell_type, c.source, c.metadata) for c in committed.cells], \
            f"release/{name} is stale: run `make release`"
        assert not any("HIDDEN TESTS" in c.source or "BEGIN SOLUTION" in c.source for c in committed.cells)
        assert not any("mesocourse" in c.metadata for c in committed.cells)  # tags would give answers away


# --- scores ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_reference_answers_score_full_marks(course: Path, name: str) -> None:
    assert total(course, "reference", name) == load_assignment(name).points


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_unmodified_release_scores_zero(course: Path, name: str) -> None:
    assert set(marks(course, "release", name).values()) == {0.0}


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_partial_submissions_score_exactly_the_marks_worked_out_by_hand(course: Path, name: str) -> None:
    assert marks(course, "partial", name) == pytest.approx(PARTIAL_MARKS[name], abs=1e-9)


def test_gaming_attempts_earn_nothing_they_did_not_earn_honestly(course: Path) -> None:
    for student, assignment, _, _ in SUBMISSIONS:
        if student.startswith("gamer_"):
            honest = 4.0 if student == "gamer_mixed" else 0.0  # gamer_mixed answered case_01 honestly
            assert total(course, student, assignment) == honest, student
            assert total(course, "release", assignment) == 0.0
    assert marks(course, "gamer_mixed", "screening")["case_01"] == 4.0
    removed = {}
    for student in ("gamer_display", "gamer_forged"):
        assignment = next(a for s, a, _, _ in SUBMISSIONS if s == student)
        graded = nbformat.read(course / "autograded" / student / assignment / f"{assignment}.ipynb", as_version=4)
        removed[student] = sum(NOTE in c.source for c in graded.cells)
        assert not any(c.metadata.get("nbgrader", {}).get("grade_id") == "forged_setup" for c in graded.cells)
    assert removed == {"gamer_display": 2, "gamer_forged": 1}
    graded = nbformat.read(course / "autograded" / "gamer_grader" / "planning" / "planning.ipynb", as_version=4)
    assert sum(c.source.count(NOTE) for c in graded.cells) == len(FAKE_GRADER.splitlines())


def test_without_the_sanitiser_the_same_attempts_would_score(course: Path, tmp_path: Path) -> None:
    """The control: nbgrader's default autograde, same course and gradebook, same attempts."""
    control = tmp_path / "control"
    shutil.copytree(course, control, ignore=shutil.ignore_patterns("autograded", "feedback"))
    config = control / "nbgrader_config.py"
    config.write_text(config.read_text().replace('"course.grading.integrity.LiteralAnswers",', ""))
    # (gamer_patch blocks the grader's import: its test cells fail, which scores 0 even here)
    for student in ("reference", "release", "partial", "gamer_eq", "gamer_shadow", "gamer_forged", "gamer_patch"):
        shutil.rmtree(control / "submitted" / student)
    nbgrader(control, "autograde", "*", "--force")
    # results hidden: nbgrader gives full marks
    assert total(control, "gamer_display", "certification") > 0.0
    assert total(control, "gamer_mixed", "screening") > 4.0
    # the test cells import their grader: code that replaces it before they run would score too
    assert total(control, "gamer_grader", "planning") == load_assignment("planning").points


def test_mesocourse_grade_gives_every_cell_nbgrader_autograde_s_score_gamers_included(course: Path,
                                                                                      tmp_path: Path) -> None:
    """The same submissions, graded by ``mesocourse grade`` in a fresh gradebook: identical per-cell scores,
    and every gaming attempt (the faked grader included) flagged with what was removed."""
    from course.grading import grade_cohort

    copy = tmp_path / "course"
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("autograded", "feedback", "gradebook.db", "reports"))
    parser = argparse.ArgumentParser()
    release.add_arguments(parser)
    assert release.run(parser.parse_args(["--course", str(copy), "--skip-build"])) == 0
    for name in ASSIGNMENTS:
        results = {r.student_id: r for r in grade_cohort(Course.open(copy), name, workers=2)}
        students = {s for s, a, _, _ in SUBMISSIONS if a == name}
        assert set(results) == students
        for student in students:
            assert marks(copy, student, name) == marks(course, student, name), (student, name)
            expected = "flagged" if student.startswith("gamer_") else "graded"
            assert results[student].status == expected, (student, results[student].notes)


# --- feedback ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_feedback_shows_the_explanations_but_never_the_hidden_tests(course: Path, name: str) -> None:
    graded = (course / "autograded" / "partial" / name / f"{name}.ipynb").read_text()
    assert "BEGIN HIDDEN TESTS" in graded and "_mc_hidden_test" in graded  # the hidden tests ran at grading
    html = (course / "feedback" / "partial" / name / f"{name}.html").read_text()
    assert "HIDDEN TESTS" not in html and "_mc_fields" not in html and "_mc_hidden_test" not in html
    assert "_mc_visible_test" in html  # the visible test is shown
    first = next(iter(PARTIAL_MARKS[name]))
    assert f"{PARTIAL_MARKS[name][first]:g} of " in html  # the per-case explanation is shown


# --- nbgrader's Validator ----------------------------------------------------------
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_validator_passes_sources_and_fails_releases_unless_inverted(name: str) -> None:
    assert Validator().validate(str(REPO / "source" / name / f"{name}.ipynb")) == {}
    release = str(REPO / "release" / name / f"{name}.ipynb")
    failed = Validator().validate(release)
    assert len(failed["failed"]) == sum(1 for c in nbformat.read(release, as_version=4).cells
                                        if c.metadata.get("nbgrader", {}).get("grade"))
    assert Validator(invert=True).validate(release) == {}
