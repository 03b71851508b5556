"""Assemble the cohort report: one self-contained HTML file (plots embedded) plus
CSV files of every table beside it."""

from __future__ import annotations

import base64
import html
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from course import DISCLAIMER, knowledge
from course.assignments.tags import CellTags

from . import figures
from .gradesheets import COLUMNS as GRADING_COLUMNS
from .items import POOR_DISCRIMINATION, item_statistics, reliability
from .mastery import competency_mastery, critical_failures, facility_by_parameter
from .scores import Scores

STYLE = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;font-size:13px;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px}
th{background:#f0f0f0}.note{color:#555;font-size:13px}.disclaimer{background:#fff4d6;padding:.6em;border-radius:4px}
tr.poor td{background:#fde2e2}"""


def _image(data: bytes, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(data).decode()}">'


def _table(frame: pd.DataFrame, **options) -> str:
    return frame.to_html(index=False, float_format=lambda v: f"{v:.2f}", na_rep="n/a", border=0, **options)


def totals_percent(scores: Scores) -> dict[str, pd.Series]:
    """Each assignment's total score per submitting trainee, in percent."""
    submitted = scores.submitted()
    result = {}
    for assignment, rows in submitted.groupby("assignment"):
        sums = rows.groupby("student_id")[["score", "max_score"]].sum()
        result[assignment] = 100 * sums["score"] / sums["max_score"]
    return result


def build_tables(scores: Scores, tags: dict[tuple[str, str, str], CellTags]) -> dict[str, pd.DataFrame]:
    """Every table of the report, by CSV name."""
    submitted = scores.submitted()
    items, reliabilities = [], []
    for assignment, rows in submitted.groupby("assignment"):
        items.append(item_statistics(rows).assign(assignment=assignment))
        reliabilities.append(asdict(reliability(assignment, rows)))
    percent = totals_percent(scores)
    distribution = pd.DataFrame([
        {"assignment": a, "submitted": len(v), "missing": len(scores.students) - len(v),
         "mean_pct": v.mean(), "median_pct": v.median(), "min_pct": v.min(), "max_pct": v.max()}
        for a, v in percent.items()
    ])
    return {
        "scores": scores.frame,
        "distribution": distribution,
        "mastery": competency_mastery(scores.frame, tags).reset_index(),
        "critical": critical_failures(scores.frame, tags),
        "items": pd.concat(items, ignore_index=True) if items else pd.DataFrame(),
        "reliability": pd.DataFrame(reliabilities),
        "facility_by_parameter": facility_by_parameter(submitted, tags),
    }


def _critical_section(critical: pd.DataFrame, trainees: int) -> str:
    """Failures per critical item, then every failure in a collapsible list."""
    if not len(critical):
        return "<p>None.</p>"
    per_item = (critical.groupby(["assignment", "grade_id"]).agg(failed=("student_id", "nunique"))
                .reset_index().sort_values("failed", ascending=False))
    per_item["of_trainees"] = trainees
    return (_table(per_item) + f"<details><summary>All {len(critical)} failures, by trainee</summary>"
            f"{_table(critical)}</details>")


def _item_sections(tables: dict[str, pd.DataFrame]) -> str:
    parts = []
    for rel in tables["reliability"].itertuples():
        rows = tables["items"][tables["items"]["assignment"] == rel.assignment].drop(columns="assignment")
        poor = rows["poor_discrimination"].tolist()
        table = _table(rows)
        for flag in poor:  # mark poorly discriminating rows, in order
            table = table.replace("<tr>\n      <td>", f'<tr class="{"poor" if flag else "ok"}">\n      <td>', 1)
        parts.append(
            f"<h3>{html.escape(rel.assignment)}</h3><p>n = {rel.n} trainees, {rel.items} items; "
            f"Cronbach's alpha = {rel.alpha:.2f}; SEM = {rel.sem:.2f} marks</p>{table}"
        )
    return "".join(parts)


def render(scores: Scores, tags: dict[tuple[str, str, str], CellTags], out: Path,
           notes: pd.DataFrame | None = None) -> list[Path]:
    """Write the HTML report to ``out`` and the CSVs beside it; return the files written.

    ``notes`` are the flagged and failed submissions of the grading sheets
    (:func:`.gradesheets.grading_notes`). Everything is computed before the first file is written.
    """
    tables = build_tables(scores, tags)
    tables["grading_notes"] = notes if notes is not None else pd.DataFrame(columns=GRADING_COLUMNS)
    page = _page(scores, tables)
    out.parent.mkdir(parents=True, exist_ok=True)
    written = [out]
    for name, frame in tables.items():
        path = out.with_name(f"{out.stem}-{name.replace('_', '-')}.csv")
        frame.to_csv(path, index=False)
        written.append(path)
    out.write_text(page, encoding="utf-8")
    return written


def _page(scores: Scores, tables: dict[str, pd.DataFrame]) -> str:
    """The self-contained HTML report."""
    kb = knowledge.load()
    pass_marks = {c.id: c.pass_mark for c in kb.competencies.values()}
    mastery = tables["mastery"].set_index("student_id")
    facility = tables["facility_by_parameter"]
    sections = [
        f"<h1>Cohort report</h1><p class='disclaimer'>{html.escape(DISCLAIMER)}</p>",
        f"<p class='note'>{len(scores.students)} trainees, assignments: {', '.join(scores.assignments)}. "
        f"Generated {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Tables are also in CSV files beside this report.</p>",
        "<h2>Score distribution per assignment</h2>",
        _image(figures.score_distributions(totals_percent(scores)), "score distributions"),
        _table(tables["distribution"]),
        "<h2>Competency mastery per trainee</h2><p class='note'>Share of the marks available for each "
        "competency; a missing submission counts as 0. x: below the competency's pass mark "
        f"({', '.join(f'{k} {v:.0%}' for k, v in pass_marks.items())}).</p>",
        _image(figures.mastery_heatmap(mastery, pass_marks), "mastery heatmap") if not mastery.empty else "<p>No tagged grade cells.</p>",
        "<h2>Critical-item failures</h2><p class='note'>A critical item needs full marks; one failure "
        "blocks certification whatever the total.</p>",
        _critical_section(tables["critical"], len(scores.students)),
        "<h2>Submissions flagged or failed at grading</h2><p class='note'>What grading repaired, removed or "
        "could not run, from the grading sheets (reports/grading-ASSIGNMENT.csv): read these scores with it.</p>",
        _table(tables["grading_notes"]) if len(tables["grading_notes"]) else "<p>None: every submission was graded "
        "as handed in (or no grading sheet was found).</p>",
        "<h2>Item analysis</h2><p class='note'>Facility = mean mark / max mark; discrimination = corrected "
        f"item-rest correlation; items below {POOR_DISCRIMINATION} (or undefined, when every trainee scored "
        "the same) are flagged in red. Small cohorts make these figures noisy: n is shown.</p>",
        _item_sections(tables),
        "<h2>Facility by scenario parameter</h2>",
        (_image(figures.facility_bars(facility), "facility by parameter") + _table(facility)) if len(facility) else "<p>No scenario parameters.</p>",
    ]
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Cohort report</title>"
            f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>")
