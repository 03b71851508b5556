"""The retention section of the cohort report (``mesocourse report --attempts DIR``).

Builds the tables of :mod:`course.review.retention`, writes them as CSV files beside
the report, plots predicted retention per competency, and inserts the section at the
end of the report's HTML. Bad attempts files are listed by name in the section.
"""

from __future__ import annotations

import base64
import html
import sys
from datetime import date, datetime, time, timezone
from pathlib import Path

import pandas as pd

from course.review.retention import (
    Problem,
    cohort_view,
    read_folder,
    recertification_date,
    retention_table,
    trainee_view,
)

from .html import data_table

HEAD = ("<h2>Retention from spaced review</h2><p class='note'>From trainees' attempts files: for every quiz "
        "or generated item a trainee has answered, the FSRS scheduler predicts the probability of recalling "
        "it; a competency's retention is the mean over the items reviewed in it (items never answered are "
        "not counted). 'At recertification' is {later}, when a certificate issued on {on} expires. A "
        "prediction, not a test result.</p>")


def figure_alt(shown: pd.DataFrame) -> str:
    """What the retention figure shows, per competency, in words."""
    rows = "; ".join(f"{r.competency}: {r.retention_now:.0%} now, "
                     f"{r.retention_at_recertification:.0%} at recertification" for r in shown.itertuples())
    return f"Predicted retention per competency (mean over reviewed items): {rows}."


def _figure(cohort: pd.DataFrame) -> str:
    from matplotlib import colormaps
    from matplotlib.figure import Figure

    from .figures import CMAP, png

    shown = cohort[cohort.items_reviewed > 0]
    if shown.empty:
        return ""
    figure = Figure(figsize=(8, 0.4 * len(shown) + 1.2), layout="constrained")
    axes = figure.subplots()
    positions = range(len(shown))
    now, later = colormaps[CMAP](0.15), colormaps[CMAP](0.85)  # dark and light: told apart without hue
    axes.barh([p + 0.2 for p in positions], shown.retention_now, height=0.4, label="now", color=now)
    axes.barh([p - 0.2 for p in positions], shown.retention_at_recertification, height=0.4,
              label="at recertification", color=later, hatch="//", edgecolor="black")
    axes.set_yticks(list(positions), list(shown.competency))
    axes.set_xlim(0, 1)
    axes.set_xlabel("predicted retention (mean over reviewed items)")
    axes.legend(loc="lower right", fontsize=8)
    data = base64.b64encode(png(figure)).decode()
    return f'<img alt="{html.escape(figure_alt(shown))}" src="data:image/png;base64,{data}">'


def _problems(problems: list[Problem]) -> str:
    if not problems:
        return ""
    items = "".join(f"<li><b>{html.escape(p.file)}</b>: {html.escape(p.message)}</li>" for p in problems)
    return f"<p>Attempts files that could not be read (left out):</p><ul>{items}</ul>"


def section(folder: Path | str, on: date) -> tuple[str, dict[str, pd.DataFrame], list[Problem]]:
    """The section's HTML, its tables by CSV name, and the unreadable files."""
    records, problems = read_folder(folder)
    later = recertification_date(on)
    table = retention_table(records, datetime.combine(on, time(), tzinfo=timezone.utc), later)
    cohort, trainees = cohort_view(table), trainee_view(table)
    body = [
        HEAD.format(later=later, on=on), _problems(problems),
        f"<p class='note'>{len(records)} attempts file(s) read.</p>",
        "<h3>Per competency</h3>", _figure(cohort), data_table(cohort, "Predicted retention per competency"),
        "<h3>Per trainee</h3>", data_table(trainees, "Predicted retention per trainee, with the weakest competency"),
        "<details><summary>Trainee x competency</summary>",
        data_table(table[table.items_reviewed > 0], "Predicted retention per trainee and competency"), "</details>",
    ]
    tables = {"retention": cohort, "retention-trainees": trainees, "retention-detail": table}
    return "".join(body), tables, problems


def add_to_report(report: Path, folder: Path | str, on: date | None = None) -> tuple[list[Path], list[Problem]]:
    """Append the section to ``report`` (written by ``course.report``) and its CSVs beside it."""
    body, tables, problems = section(folder, on or datetime.now(timezone.utc).date())
    written = []
    for name, frame in tables.items():
        path = report.with_name(f"{report.stem}-{name}.csv")
        frame.to_csv(path, index=False)
        written.append(path)
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("</body>", body + "</body>", 1), encoding="utf-8")
    return written, problems


def report_retention(report: Path, folder: str, day: str | None) -> int:
    """Append the retention section to the written report; name every unreadable attempts file.

    A wrong date or a missing folder is raised (``DateError``, ``FileNotFoundError``) for
    ``course.cli`` to report, exit status 2; the report is kept as written."""
    from course.dates import parse_day

    written, problems = add_to_report(report, folder, parse_day(day, "--date") if day else date.today())
    print(f"retention: section added from {folder}; tables: {', '.join(p.name for p in written)}")
    for problem in problems:
        print(f"warning: attempts file {problem.file} left out: {problem.message}", file=sys.stderr)
    return 0
