"""The retention section of `mesocourse report --attempts DIR`, against a hand computation.

Attempts files (no time recorded, so a right answer rates Good, a wrong one Again):
    ana.json   depth-01 right, depth-05 wrong, screening-03 right, all on 2026-03-02 09:00 UTC
    ben.json   depth-01 right on 2026-03-02 09:00 UTC, target retention 0.8
    cara.json  no attempts
    broken.json  not JSON: reported by name, not fatal
After one review FSRS (default parameters) sets stability S = w[0] = 0.212 (Again) or
w[2] = 2.3065 (Good), and predicts recall after t whole days as R = (1 + F t / S) ** -0.1542
with F = 0.9 ** (1 / -0.1542) - 1. The report is dated 2026-03-12 (t = 9 days); a certificate
issued that day expires after validity_months = 12, on 2027-03-12 (t = 374 days).
"""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pandas as pd
import pytest
from nbgrader.api import Gradebook

from course.review.retention import read_folder, retention_table, trainee_view

DECAY = -0.1542
FACTOR = 0.9 ** (1 / DECAY) - 1
GOOD, AGAIN = 2.3065, 0.212


def recall(days: int, stability: float) -> float:
    return (1 + FACTOR * days / stability) ** DECAY


def _entry(item, competency, correct):
    return {"module": "04" if competency == "depth" else "07", "item_id": item, "competency": competency,
            "correct": correct, "score": float(correct), "at": "2026-03-02T09:00:00+00:00"}


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    nb = nbformat.v4.new_notebook()
    (root / "source" / "quiz1").mkdir(parents=True)
    nbformat.write(nb, root / "source" / "quiz1" / "nb.ipynb")
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        gb.add_assignment("quiz1")
        gb.add_student("ana")
    attempts = root / "attempts"
    attempts.mkdir()
    files = {
        "ana": {"version": 1, "attempts": [_entry("depth-01", "depth", True), _entry("depth-05", "depth", False),
                                           _entry("screening-03", "screening", True)]},
        "ben": {"version": 1, "attempts": [_entry("depth-01", "depth", True)], "settings": {"target_retention": 0.8}},
        "cara": {"version": 1, "attempts": []},
    }
    for trainee, data in files.items():
        (attempts / f"{trainee}.json").write_text(json.dumps(data), encoding="utf-8")
    (attempts / "broken.json").write_text("{", encoding="utf-8")
    out = root / "reports" / "cohort.html"
    done = subprocess.run([sys.executable, "-m", "course", "report", "--course", str(root), "--out", str(out),
                           "--attempts", str(attempts), "--date", "2026-03-12"], capture_output=True, text=True)
    return root, out, attempts, done


def test_report_succeeds_and_names_the_bad_file(reported):
    _, out, _, done = reported
    assert done.returncode == 0, done.stderr
    assert "warning: attempts file broken.json left out" in done.stderr
    page = out.read_text(encoding="utf-8")
    assert "<h2>Retention from spaced review</h2>" in page and "<b>broken.json</b>" in page
    assert "2027-03-12" in page and page.index("Retention from spaced review") < page.index("</body>")
    assert "3 attempts file(s) read" in page


def test_per_competency_matches_the_hand_computation(reported):
    _, out, _, _ = reported
    cohort = pd.read_csv(out.with_name("cohort-retention.csv")).set_index("competency")
    assert cohort.loc["depth", ["trainees", "items_reviewed"]].tolist() == [2, 3]
    assert cohort.loc["depth", "retention_now"] == pytest.approx((2 * recall(9, GOOD) + recall(9, AGAIN)) / 3)
    assert cohort.loc["depth", "retention_at_recertification"] == pytest.approx(
        (2 * recall(374, GOOD) + recall(374, AGAIN)) / 3)
    assert cohort.loc["screening", "retention_now"] == pytest.approx(recall(9, GOOD))
    assert cohort.loc["evidence", "items_reviewed"] == 0 and pd.isna(cohort.loc["evidence", "retention_now"])


def test_trainee_view_matches_the_hand_computation(reported):
    _, out, _, _ = reported
    trainees = pd.read_csv(out.with_name("cohort-retention-trainees.csv"), keep_default_na=False).set_index("trainee")
    assert list(trainees.index) == ["ana", "ben", "cara"]
    assert trainees.loc["ana", "items_reviewed"] == 3
    assert float(trainees.loc["ana", "retention_now"]) == pytest.approx((2 * recall(9, GOOD) + recall(9, AGAIN)) / 3)
    assert trainees.loc["ana", "weakest_competency"] == "depth"
    assert float(trainees.loc["ben", "retention_at_recertification"]) == pytest.approx(recall(374, GOOD))
    assert trainees.loc["cara", "items_reviewed"] == 0 and trainees.loc["cara", "weakest_competency"] == ""
    detail = pd.read_csv(out.with_name("cohort-retention-detail.csv"))
    assert len(detail) == 3 * 9  # every trainee read x every competency


def test_read_folder_reports_problems_without_raising(reported):
    _, _, attempts, _ = reported
    records, problems = read_folder(attempts)
    assert [r.trainee for r in records] == ["ana", "ben", "cara"] and records[1].target_retention == 0.8
    assert [p.file for p in problems] == ["broken.json"] and "cannot be read as JSON" in problems[0].message
    assert trainee_view(retention_table(records[:0], pd.Timestamp("2026-03-12", tz="UTC").to_pydatetime())).empty


def test_a_missing_folder_or_bad_date_is_a_clear_error(reported, tmp_path):
    root, _, attempts, _ = reported
    for extra, words in ((["--attempts", str(tmp_path / "none")], "no such folder of attempts files"),
                         (["--attempts", str(attempts), "--date", "soon"], "--date: 'soon'")):
        done = subprocess.run([sys.executable, "-m", "course", "report", "--course", str(root),
                               "--out", str(tmp_path / "r.html"), *extra], capture_output=True, text=True)
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr
