"""Modified Angoff: cuts computed from judges' ratings, stored in the registry, used by
`certify`; and bad ratings files rejected with the file, row and field named."""

from __future__ import annotations

from pathlib import Path

import pytest
from certification_builders import FULL, Trainee, build_course, observe_all

from course.certification.registry import DECISION, STANDARD_SET, Registry
from course.cli import main

HEADER = "judge,assignment,notebook,grade_id,estimate"
# (item, judge A, judge B); item cuts are the means.
RATINGS = [
    ("ps1,assessment,screen_a", 0.5, 0.7),  # 4 marks, cut 0.6
    ("ps1,assessment,screen_b", 0.6, 0.8),  # 6 marks, cut 0.7 -> screening (0.6*4 + 0.7*6)/10 = 0.66
    ("ps1,assessment,consult", 0.5, 0.5),  # 8 marks, cut 0.5
    ("ps1,assessment,pregnancy", 1.0, 0.9),  # 2 marks, cut 0.95 -> consultation (4 + 1.9)/10 = 0.59
    ("ps1,assessment,depth", 0.8, 0.9),  # depth and technique 0.85
    ("ps2,practice,aftercare", 0.6, 0.8),  # complications 0.7
]


def ratings_csv(path: Path, rows: list[str] | None = None) -> Path:
    if rows is None:
        rows = [f"{judge},{item},{estimate}" for item, a, b in RATINGS for judge, estimate in (("A", a), ("B", b))]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_course(tmp_path_factory.mktemp("angoff") / "course", [
        Trainee("passes_by_angoff", scores={**FULL, "screen_a": 2.6, "screen_b": 4}),  # screening 0.66
        Trainee("fails_by_angoff", scores={**FULL, "depth": 8}),  # depth 0.8 < 0.85
    ])


def test_angoff_cuts_are_stored_and_used(course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry = f"sqlite:///{tmp_path / 'registry.db'}"
    common = ["--course", str(course), "--registry", registry, "--by", "Panel chair"]
    for trainee in ("passes_by_angoff", "fails_by_angoff"):
        observe_all(registry, trainee)
    capsys.readouterr()
    assert main(["standard-set", "--angoff", str(ratings_csv(tmp_path / "ratings.csv")), *common]) == 0
    out = capsys.readouterr().out
    assert "2 judge(s) (A, B) over 6 item(s)" in out
    assert "screening" in out and "66%" in out and "80%" in out
    with Registry(registry, create=False) as opened:
        (standard,) = opened.records(kind=STANDARD_SET)
    assert standard.recorded_by == "Panel chair"
    assert standard.data["competency_cuts"] == pytest.approx(
        {"screening": 0.66, "consultation": 0.59, "depth": 0.85, "technique": 0.85, "complications": 0.7})
    assert standard.data["item_cuts"]["ps1/assessment/pregnancy"] == pytest.approx(0.95)

    assert main(["certify", *common, "--date", "2024-03-01"]) == 0
    with Registry(registry, create=False) as opened:
        decisions = {r.trainee: r.data for r in opened.records(kind=DECISION)}
    passing = decisions["passes_by_angoff"]
    assert passing["outcome"] == "certified"  # 66% would fail the fixed 80% mark
    assert passing["competencies"]["screening"]["pass_mark"] == pytest.approx(0.66)
    failing = decisions["fails_by_angoff"]
    assert failing["outcome"] == "not yet certified"  # 80% would pass the fixed 70% mark
    depth, technique = failing["reasons"]  # the depth cell is tagged with both
    assert "Competency 'depth'" in depth and "8 of 10 marks (80%), below its pass mark of 85%" in depth
    assert f"modified Angoff cut, registry record {standard.seq}" in depth and "Competency 'technique'" in technique


@pytest.mark.parametrize(("rows", "message"), [
    (["A,ps1,assessment,screen_a,70"], "row 2, field 'estimate': 70 is outside 0-1"),
    (["A,ps1,assessment,screen_a,0.5", "A,ps1,assessment,screen_b,high"],
     "row 3, field 'estimate': 'high' is not a number"),
    (["A,ps1,assessment,nope,0.5"], "row 2: item ps1/assessment/nope is not a grade cell"),
    ([",ps1,assessment,screen_a,0.5"], "row 2, field 'judge': empty"),
    (["A,ps1,assessment,screen_a,0.5", "A,ps1,assessment,screen_a,0.6"],
     "row 3: judge 'A' already rated ps1/assessment/screen_a on row 2"),
    ([f"A,{item},0.5" for item, _, _ in RATINGS] + [f"B,{item},0.5" for item, _, _ in RATINGS[:-1]],
     "judge 'B' did not rate 1 item(s): ps2/practice/aftercare"),
])
def test_bad_ratings_rows_are_named(course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    rows: list[str], message: str) -> None:
    path = ratings_csv(tmp_path / "ratings.csv", rows)
    registry = tmp_path / "registry.db"
    assert main(["standard-set", "--angoff", str(path), "--course", str(course), "--registry", str(registry)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mesocourse standard-set: error: {path}") and message in err
    assert not registry.exists()  # nothing recorded


def test_bad_ratings_messages(course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text("judge,assignment,notebook,grade_id,score\n", encoding="utf-8")
    assert main(["standard-set", "--angoff", str(path), "--course", str(course), "--registry",
                 str(tmp_path / "r.db")]) == 2
    assert "header: expected columns judge, assignment, notebook, grade_id, estimate; missing estimate; unknown score" \
        in capsys.readouterr().err
    assert main(["standard-set", "--angoff", str(tmp_path / "absent.csv"), "--course", str(course)]) == 2
    assert f"{tmp_path / 'absent.csv'}: file not found" in capsys.readouterr().err
