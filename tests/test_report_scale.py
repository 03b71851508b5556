"""The cohort report at scale: bounded figures, and what an instructor can act on.

Scores are built in memory (the report's own ``Scores`` frame, as the loader
returns it) for cohorts above and below the heatmap threshold, and drawn and
rendered by the real report code.
"""

from __future__ import annotations

import random
import re
import struct
import subprocess
import sys
from base64 import b64decode

import pandas as pd
import pytest

from course.assignments.tags import CellTags
from course.report import figures
from course.report.html import HEATMAP_MAX_TRAINEES, render
from course.report.scores import Scores

CELLS = (  # assignment, grade_id, max score, competencies, critical
    ("screening", "q1", 2.0, ("screening",), True),
    ("screening", "q2", 3.0, ("screening", "consultation"), False),
    ("depth", "q1", 4.0, ("depth",), False),
    ("depth", "q2", 1.0, ("depth", "technique"), True),
)
PASS_MARKS = {"screening": 0.8, "consultation": 0.6, "depth": 0.7, "technique": 0.6}
SCREEN_PX = 1080


def cohort(size: int, seed: int = 1) -> tuple[Scores, dict]:
    rng = random.Random(seed)
    rows = []
    for number in range(1, size + 1):
        for assignment, grade_id, top, *_ in CELLS:
            submitted = rng.random() > 0.05
            score = rng.choice([0.0, top / 2, top, top]) if submitted else 0.0
            rows.append((f"t{number:05d}", assignment, assignment, grade_id, score, top, submitted))
    frame = pd.DataFrame(rows, columns=["student_id", "assignment", "notebook", "grade_id", "score", "max_score",
                                        "submitted"])
    tags = {(a, a, g): CellTags(a, a, g, top, comps, critical) for a, g, top, comps, critical in CELLS}
    roster = tuple((f"t{number:05d}", "Trainee", str(number)) for number in range(1, size + 1))
    handed_in = frozenset(zip(frame[frame["submitted"]]["student_id"], frame[frame["submitted"]]["assignment"]))
    return Scores(frame, roster, handed_in), tags


def mastery(size: int) -> pd.DataFrame:
    rng = random.Random(size)
    return pd.DataFrame({c: [rng.random() for _ in range(size)] for c in PASS_MARKS},
                        index=[f"t{n:05d}" for n in range(size)])


def artists(figure) -> int:
    figures.png(figure)  # drawn, so that ticks and labels exist
    return len(figure.findobj())


def test_cohort_figures_draw_as_many_artists_for_thousands_as_for_a_hundred() -> None:
    small, large = mastery(100), mastery(5000)
    assert artists(figures.mastery_bands(small, PASS_MARKS)) == artists(figures.mastery_bands(large, PASS_MARKS))
    percent = {"a": small["depth"] * 100}, {"a": large["depth"] * 100}
    counts = [artists(figures.score_distributions(p)) for p in percent]
    assert abs(counts[0] - counts[1]) <= 6  # the trainee-count axis may get a tick or two more


def test_the_heatmap_prints_every_value_and_marks_and_outlines_those_below_the_pass_mark() -> None:
    matrix = mastery(12)
    figure = figures.mastery_heatmap(matrix, PASS_MARKS)
    axes = figure.axes[0]
    printed = [t.get_text() for t in axes.texts]
    marks = [PASS_MARKS[c] for c in matrix.columns] * len(matrix)
    assert printed == [f"{v:.0%}" + (f" {figures.BELOW}" if v < m else "") for v,
                       m in zip(matrix.to_numpy().ravel(), marks)]
    (outlines,) = axes.collections
    below = sum((matrix[c] < m).sum() for c, m in PASS_MARKS.items())
    assert len(outlines.get_paths()) == below > 0
    assert axes.images[0].get_cmap().name == "cividis"


def png_heights(html: str) -> list[int]:
    """Pixel height of every embedded PNG (from its IHDR header)."""
    images = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)
    return [struct.unpack(">I", b64decode(data)[20:24])[0] for data in images]


@pytest.mark.parametrize("size", [HEATMAP_MAX_TRAINEES, 1000])
def test_report_stays_readable_at_any_size(tmp_path, size: int) -> None:
    scores, tags = cohort(size)
    out = tmp_path / "report.html"
    render(scores, tags, out)
    html = out.read_text(encoding="utf-8")
    assert (f'alt="Heatmap of mastery of {size} trainees' in html) is (size <= HEATMAP_MAX_TRAINEES)
    assert (f'alt="Bars of mastery bands per competency of {size} trainees' in html) is (size > HEATMAP_MAX_TRAINEES)
    assert max(png_heights(html)) <= 2 * SCREEN_PX
    matrix = pd.read_csv(tmp_path / "report-mastery.csv").set_index("student_id")
    assert len(matrix) == size  # the full matrix, always
    for competency, mark in PASS_MARKS.items():  # the alt text says what the figure shows, from the data
        below = int((matrix[competency] < mark).sum())
        assert f"{below} of {size} trainees below the pass mark ({mark:.0%}) on {competency}" in html
    critical = pd.read_csv(tmp_path / "report-critical.csv")
    marks = {c: PASS_MARKS[c] for c in matrix.columns}
    expected = set(matrix.index[(matrix < pd.Series(marks)).any(axis=1)]) | set(critical["student_id"])
    table = html.split('id="act-on"')[1].split("</table>")[0]
    assert set(re.findall(r"<td>(t\d{5})</td>", table)) == expected
    assert f"{len(expected)} of {size} trainees are below the pass mark" in html
    assert ("All " in html and "failures, by trainee</summary>" in html) is (len(critical) <= 200)


def test_reading_scores_loads_neither_plotting_nor_nbgrader() -> None:
    """Reading scores imports pandas only: nbgrader (seconds of start-up), SQLAlchemy and matplotlib wait."""
    code = ("import sys, course.report.scores, course.report.cli, course.gradebook_tables; "
            "print(sorted(m for m in ('nbgrader', 'matplotlib', 'pandas', 'sqlalchemy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['pandas']"  # scores are a pandas frame; no plotting, no nbgrader yet
