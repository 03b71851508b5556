"""Cohort report on a tiny cohort in a real nbgrader gradebook, against hand-computed figures.

Cohort (assignment quiz1, notebook nb; q1 max 1, q2 max 2, q3 max 1; s5 did not submit):
    s1: 1 2 1 (4)    s2: 1 1 0 (2)    s3: 0 1 1 (2)    s4: 0 0 1 (1)
Hand computation:
    facility q1 = 2/4 = 0.5, q2 = 4/4/2 = 0.5, q3 = 3/4 = 0.75
    q1 vs rest [3,1,2,1]: cov 0.5, ss 1 and 2.75      -> r = 0.5/sqrt(2.75)  =  0.301511
    q2 vs rest [2,1,1,1]: cov 1.0, ss 2 and 0.75      -> r = 1/sqrt(1.5)     =  0.816497
    q3 vs rest [3,2,1,0]: cov -0.5, ss 0.75 and 5     -> r = -0.5/sqrt(3.75) = -0.258199 (poor)
    item variances 1/3 + 2/3 + 1/4 = 1.25; total variance 4.75/3
    alpha = 3/2 * (1 - 1.25 / (4.75/3)) = 0.315789; SEM = sqrt(4.75/3) * sqrt(1 - alpha) = 1.040833
Tags: q1 screening (critical, contraindication=pregnancy), q2 scheduling,
      q3 screening + depth (contraindication=anticoagulant).
"""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pandas as pd
import pytest
from nbgrader.api import Gradebook

SCORES = {"s1": (1, 2, 1), "s2": (1, 1, 0), "s3": (0, 1, 1), "s4": (0, 0, 1)}
CELLS = [  # grade_id, points, competencies, critical, params
    ("q1", 1, ["screening"], True, {"contraindication": "pregnancy"}),
    ("q2", 2, ["scheduling"], False, {}),
    ("q3", 1, ["screening", "depth"], False, {"contraindication": "anticoagulant"}),
]


@pytest.fixture(scope="session")  # session: xdist may interleave modules
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    nb = nbformat.v4.new_notebook()
    for grade_id, points, competencies, critical, params in CELLS:
        cell = nbformat.v4.new_code_cell("assert True")
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": grade_id,
                                     "points": points, "schema_version": 3}
        cell.metadata["mesocourse"] = {"competencies": competencies, "critical": critical, "params": params}
        nb.cells.append(cell)
    (root / "source" / "quiz1").mkdir(parents=True)
    nbformat.write(nb, root / "source" / "quiz1" / "nb.ipynb")
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        gb.add_assignment("quiz1")
        gb.add_notebook("nb", "quiz1")
        for grade_id, points, *_ in CELLS:
            gb.add_grade_cell(grade_id, "nb", "quiz1", max_score=points, cell_type="code")
        for student in ["s1", "s2", "s3", "s4", "s5"]:
            gb.add_student(student)
        for student, marks in SCORES.items():
            gb.add_submission("quiz1", student)
            for (grade_id, *_), mark in zip(CELLS, marks):
                grade = gb.find_grade(grade_id, "nb", "quiz1", student)
                grade.auto_score = mark
            gb.db.commit()
    out = root / "reports" / "cohort.html"
    done = subprocess.run([sys.executable, "-m", "course", "report", "--course", str(root), "--out", str(out)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return root, out


def table(course, name) -> pd.DataFrame:
    root, out = course
    return pd.read_csv(out.with_name(f"cohort-{name}.csv"))


def test_item_statistics_match_hand_computation(course):
    items = table(course, "items").set_index("item")
    assert items.loc["nb/q1", "facility"] == pytest.approx(0.5)
    assert items.loc["nb/q2", "facility"] == pytest.approx(0.5)
    assert items.loc["nb/q3", "facility"] == pytest.approx(0.75)
    assert items.loc["nb/q1", "discrimination"] == pytest.approx(0.301511, abs=1e-6)
    assert items.loc["nb/q2", "discrimination"] == pytest.approx(0.816497, abs=1e-6)
    assert items.loc["nb/q3", "discrimination"] == pytest.approx(-0.258199, abs=1e-6)
    assert items["n"].tolist() == [4, 4, 4]  # the trainee without a submission is not an item response
    assert items["poor_discrimination"].tolist() == [False, False, True]


def test_reliability_matches_hand_computation(course):
    (row,) = table(course, "reliability").itertuples()
    assert (row.n, row.items) == (4, 3)
    assert row.alpha == pytest.approx(0.315789, abs=1e-6)
    assert row.sem == pytest.approx(1.040833, abs=1e-6)


def test_mastery_counts_missing_submissions_as_zero(course):
    mastery = table(course, "mastery").set_index("student_id")
    assert mastery.loc["s1"].to_dict() == {"depth": 1.0, "scheduling": 1.0, "screening": 1.0}
    assert mastery.loc["s2", "screening"] == pytest.approx(0.5)
    assert mastery.loc["s2", "depth"] == 0.0
    assert mastery.loc["s4", "scheduling"] == 0.0
    assert mastery.loc["s5"].tolist() == [0.0, 0.0, 0.0]


def test_critical_failures(course):
    critical = table(course, "critical")
    assert critical["student_id"].tolist() == ["s3", "s4", "s5"]
    assert set(critical["grade_id"]) == {"q1"}
    assert critical["submitted"].tolist() == [True, True, False]


def test_facility_by_parameter(course):
    facility = table(course, "facility-by-parameter").set_index("value")
    assert facility.loc["pregnancy", "facility"] == pytest.approx(0.5)
    assert facility.loc["anticoagulant", "facility"] == pytest.approx(0.75)
    assert facility["n"].tolist() == [4, 4]


def test_distribution_and_html(course):
    distribution = table(course, "distribution")
    (row,) = distribution.itertuples()
    assert (row.submitted, row.missing) == (4, 1)
    assert row.mean_pct == pytest.approx(100 * (4 + 2 + 2 + 1) / 16)
    html = course[1].read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 3  # distribution, heatmap, facility
    assert "Cronbach's alpha = 0.32" in html and "n = 4 trainees" in html
    assert 'class="poor"' in html and "not clinical guidance" in html


def test_the_report_is_accessible_html(course):
    """Language, landmarks, captioned tables with header cells, alt text from the data, a print style sheet."""
    import re

    from course import knowledge

    html = course[1].read_text(encoding="utf-8")
    assert html.startswith("<!doctype html><html lang='en'>") and "<main>" in html and "@media print" in html
    tables = re.findall(r"<table\b.*?</table>", html, re.S)
    assert tables and all("<caption>" in t and '<th scope="col"' in t for t in tables)
    headings = [int(level) for level in re.findall(r"<h([1-6])", html)]
    assert headings[0] == 1 and all(b <= a + 1 for a, b in zip(headings, headings[1:]))  # no level skipped
    mastery = table(course, "mastery").set_index("student_id")
    marks = {c.id: c.pass_mark for c in knowledge.load().competencies.values()}
    for competency in mastery.columns:
        below = int((mastery[competency] < marks[competency]).sum())
        assert f"{below} of 5 trainees below the pass mark ({marks[competency]:.0%}) on {competency}" in html
    assert "Histograms of trainees&#x27; total scores per assignment. quiz1: 4 trainees, median 50%" in html
    assert "below</td>" in html  # a share under its pass mark says so in words, not only in colour


def test_the_report_command_imports_neither_nbgrader_nor_sqlalchemy(course):
    """nbgrader's import costs seconds, SQLAlchemy's a fraction: the report reads a SQLite gradebook with sqlite3."""
    root, out = course
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "course", "report", "--course", str(root),
                           "--out", str(out.with_name("again.html"))], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert {"pandas", "matplotlib"} <= imported
    assert not {name for name in imported if name.split(".")[0] in ("nbgrader", "sqlalchemy")}


def test_every_enrolled_trainee_is_listed_with_what_they_handed_in(course):
    trainees = table(course, "trainees").set_index("student_id")
    assert trainees.index.tolist() == ["s5", "s1", "s2", "s3", "s4"]  # who handed in nothing first
    assert trainees["quiz1"].to_dict() == {"s5": "no submission", **{s: "submitted" for s in SCORES}}
    assert trainees["handed_in"].to_dict() == {"s5": 0, **{s: 1 for s in SCORES}}
    html = course[1].read_text(encoding="utf-8")
    assert "5 trainees are enrolled in the gradebook; 1 handed in nothing" in html


@pytest.mark.parametrize("released", [True, False], ids=["assignment-released", "nothing-released"])
def test_a_cohort_that_handed_in_nothing_is_counted_and_listed(tmp_path, released):
    """Three trainees enrolled in a real gradebook, no submission at all (before or after the
    assignment reached the gradebook): the report counts three and lists each as "no submission"."""
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        for student, first in (("t1", "Ann"), ("t2", "Bo"), ("t3", "Cy")):
            gb.add_student(student, first_name=first, last_name="Example")
        if released:
            gb.add_assignment("quiz1")
            gb.add_notebook("nb", "quiz1")
            gb.add_grade_cell("q1", "nb", "quiz1", max_score=1, cell_type="code")
    out = tmp_path / "reports" / "cohort.html"
    done = subprocess.run([sys.executable, "-m", "course", "report", "--course", str(tmp_path), "--out", str(out)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "(3 trainees)" in done.stdout
    trainees = pd.read_csv(out.with_name("cohort-trainees.csv"))
    assert trainees["name"].tolist() == ["Ann Example", "Bo Example", "Cy Example"]
    assert trainees["handed_in"].tolist() == [0, 0, 0]
    if released:
        assert trainees["quiz1"].tolist() == ["no submission"] * 3
    html = out.read_text(encoding="utf-8")
    assert "3 trainees are enrolled in the gradebook; 3 handed in nothing" in html
    assert html.count("<td>no submission</td>") == (6 if released else 0)  # in the short list and the full one
