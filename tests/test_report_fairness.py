"""Facility per variant and the fairness flag, in a real gradebook, against a hand computation.

Cohort: one item (max 4) of an assignment built with 3 variants; 15 trainees, 5 per
variant (their ids chosen so that the course secret's HMAC gives them that variant).

    variant 1: 0 2 2 1 3  -> facility 8/20 = 0.40, full marks 0 of 5
    variant 2: 4 4 4 4 4  -> facility 1.00,        full marks 5 of 5
    variant 3: 4 4 4 4 2  -> facility 18/20 = 0.90, full marks 4 of 5

Fisher's exact test, variant vs the rest, on full marks: every table has margins
5 trainees in the variant, 10 in the rest, 9 with full marks, 6 without, so the count
x of full marks in the variant is hypergeometric: P(x) = C(9,x) C(6,5-x) / C(15,5),
with C(15,5) = 3003 and numerators x=0..5: 6, 135, 720, 1260, 756, 126.

    variant 1 (x=0): tables as likely or less: x=0            -> p = 6/3003    = 0.001998
    variant 2 (x=5): x=0 (6), x=5 (126)                       -> p = 132/3003  = 0.043956
    variant 3 (x=4): x=0, 1, 2, 4, 5 (6+135+720+756+126)      -> p = 1743/3003 = 0.580420

Holm over the 3 tests: 3 x 0.001998 = 0.005994; max(that, 2 x 0.043956) = 0.087912;
max(that, 1 x 0.580420) = 0.580420. Flagged (adjusted p < 0.05): variant 1 only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbgrader.api import Gradebook

from course.assignments.allocation import assignment_key, variant_for
from course.coursedir import Course
from course.report.fairness import fisher_exact, holm

SECRET = bytes(range(32))
MARKS = {0: [0, 2, 2, 1, 3], 1: [4, 4, 4, 4, 4], 2: [4, 4, 4, 4, 2]}


def test_fisher_exact_and_holm_match_the_hand_computation() -> None:
    assert fisher_exact(0, 5, 9, 1) == pytest.approx(6 / 3003, rel=1e-12)
    assert fisher_exact(5, 0, 4, 6) == pytest.approx(132 / 3003, rel=1e-12)
    assert fisher_exact(4, 1, 5, 5) == pytest.approx(1743 / 3003, rel=1e-12)
    assert fisher_exact(3, 3, 3, 3) == pytest.approx(1.0)
    assert holm([6 / 3003, 132 / 3003, 1743 / 3003]) == pytest.approx([18 / 3003, 264 / 3003, 1743 / 3003])
    assert holm([0.04, 0.01, 0.03]) == pytest.approx([0.06, 0.03, 0.06])  # 3 x 0.01; max(.03, 2 x .03); max(.06, .04)


def _cohort() -> dict[str, int]:
    """Trainee id -> 0-based variant: the first five ids the secret gives each variant."""
    key = assignment_key(SECRET, "quiz1")
    chosen: dict[str, int] = {}
    for number in range(1000):
        trainee = f"trainee{number:03d}"
        variant = variant_for(key, trainee, 3)
        if sum(v == variant for v in chosen.values()) < 5:
            chosen[trainee] = variant
        if len(chosen) == 15:
            return chosen
    raise AssertionError("the secret did not give five trainees per variant")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("fair")
    nb = nbformat.v4.new_notebook(metadata={"mesocourse": {"variants": 3, "seed": "test"}})
    cell = nbformat.v4.new_code_cell("assert True")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": "q1", "points": 4,
                                 "schema_version": 3}
    cell.metadata["mesocourse"] = {"competencies": ["screening"], "critical": False, "params": {}}
    nb.cells.append(cell)
    (root / "source" / "quiz1").mkdir(parents=True)
    nbformat.write(nb, root / "source" / "quiz1" / "nb.ipynb")
    Course(root).variant_secret.parent.mkdir()
    Course(root).variant_secret.write_text(SECRET.hex() + "\n")
    cohort = _cohort()
    given = {variant: iter(marks) for variant, marks in MARKS.items()}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        gb.add_assignment("quiz1")
        gb.add_notebook("nb", "quiz1")
        gb.add_grade_cell("q1", "nb", "quiz1", max_score=4, cell_type="code")
        for trainee, variant in cohort.items():
            gb.add_student(trainee)
            gb.add_submission("quiz1", trainee)
            gb.find_grade("q1", "nb", "quiz1", trainee).auto_score = next(given[variant])
            gb.db.commit()
    out = root / "reports" / "cohort.html"
    done = subprocess.run([sys.executable, "-m", "course", "report", "--course", str(root), "--out", str(out)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return out, cohort


def test_the_report_shows_facility_per_variant_and_flags_the_one_that_differs(report) -> None:
    out, _ = report
    table = pd.read_csv(out.with_name("cohort-variant-facility.csv")).set_index("variant")
    assert table["n"].tolist() == [5, 5, 5]
    assert table["facility"].tolist() == pytest.approx([0.40, 1.00, 0.90])
    assert table["full_marks"].tolist() == [0, 5, 4] and table["rest_full_marks"].tolist() == [9, 4, 5]
    assert table["p_value"].tolist() == pytest.approx([6 / 3003, 132 / 3003, 1743 / 3003], rel=1e-9)
    assert table["p_holm"].tolist() == pytest.approx([18 / 3003, 264 / 3003, 1743 / 3003], rel=1e-9)
    assert table["flagged"].tolist() == [True, False, False]
    page = out.read_text(encoding="utf-8")
    assert "Fairness across variants" in page and "1 variant(s) flagged" in page
    assert "Holm" in page and "Fisher's exact test" in page


def test_without_the_secret_the_report_says_there_are_no_variants(report, tmp_path: Path) -> None:
    out, _ = report
    root = out.parents[1]
    Course(root).variant_secret.rename(tmp_path / "secret")
    try:
        again = root / "reports" / "again.html"
        done = subprocess.run([sys.executable, "-m", "course", "report", "--course", str(root), "--out", str(again)],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert "No assignment was built with variants" in again.read_text(encoding="utf-8")
    finally:
        (tmp_path / "secret").rename(Course(root).variant_secret)
