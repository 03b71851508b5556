"""Assemble the cohort report: one self-contained HTML file (plots embedded) plus
CSV files of every table beside it."""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from course import DISCLAIMER, knowledge
from course.assignments.tags import CellTags

from . import figures
from .exam_log import HEADINGS as EXAM_HEADINGS
from .exam_log import exam_log_table, exam_summary
from .fairness import ALPHA, variant_facility
from .gradesheets import COLUMNS as GRADING_COLUMNS
from .item_analysis import POOR_DISCRIMINATION, item_statistics, reliability
from .mastery import competency_mastery, critical_failures, facility_by_parameter, trainees_to_act_on
from .scores import Scores, enrolled_trainees
from .sortable import PRINT_STYLE, SCRIPT, sortable_table
from .sortable import STYLE as SORTABLE_STYLE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Above this many trainees, one row per trainee is unreadable in a figure: the report
# shows the distribution of mastery per competency and lists who is below a pass mark.
HEATMAP_MAX_TRAINEES = 60
# Above this many critical-item failures, the full list is left to the CSV file.
LISTED_FAILURES_MAX = 200

STYLE = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;font-size:13px;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px}
th{background:#f0f0f0}caption{text-align:left;font-weight:bold;padding:.2em 0}img{max-width:100%;height:auto}
.note{color:#555;font-size:13px}.disclaimer{background:#fff4d6;padding:.6em;border-radius:4px}
tr.poor td{background:#fde2e2}""" + SORTABLE_STYLE + PRINT_STYLE


def _image(figure: Figure, alt: str) -> str:
    """The figure embedded as PNG, with ``alt``: what it shows, in words from the same data."""
    data = figures.png(figure)
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(data).decode()}">'


def data_table(frame: pd.DataFrame, caption: str) -> str:
    """``frame`` as a table with header cells and a caption saying what it lists."""
    table = frame.to_html(index=False, float_format=lambda v: f"{v:.2f}", na_rep="n/a", border=0)
    table = table.replace("<th>", '<th scope="col">')
    return table.replace(">", f"><caption>{html.escape(caption)}</caption>", 1)


def totals_percent(scores: Scores) -> dict[str, pd.Series]:
    """Each assignment's total score per submitting trainee, in percent."""
    submitted = scores.submitted()
    result = {}
    for assignment, rows in submitted.groupby("assignment"):
        sums = rows.groupby("student_id")[["score", "max_score"]].sum()
        result[assignment] = 100 * sums["score"] / sums["max_score"]
    return result


def build_tables(scores: Scores, tags: dict[tuple[str, str, str], CellTags],
                 variants: Mapping[str, Mapping[str, int]] | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the report, by CSV name; ``variants[assignment][trainee]`` is a trainee's variant."""
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
        "trainees": enrolled_trainees(scores),
        "scores": scores.frame,
        "distribution": distribution,
        "mastery": competency_mastery(scores.frame, tags).reset_index(),
        "critical": critical_failures(scores.frame, tags),
        "items": pd.concat(items, ignore_index=True) if items else pd.DataFrame(),
        "reliability": pd.DataFrame(reliabilities),
        "facility_by_parameter": facility_by_parameter(submitted, tags),
        "variant_facility": variant_facility(submitted, variants or {}),
    }


def _trainees_section(trainees: pd.DataFrame, csv_name: str) -> str:
    """Every enrolled trainee and what they handed in; those who handed in nothing come first."""
    nothing = trainees[trainees["handed_in"] == 0]
    head = (f"<h2>Enrolled trainees</h2><p class='note'>{len(trainees)} trainees are enrolled in the gradebook; "
            f"{len(nothing)} handed in nothing (“no submission” for every assignment): contact them first. "
            f"Also in {html.escape(csv_name)}.</p>")
    if not len(trainees):
        return head
    listed = data_table(nothing, "Trainees with no submission at all") if len(nothing) else ""
    return (head + listed + f"<details><summary>Every enrolled trainee ({len(trainees)}), with what they "
            f"handed in</summary>{data_table(trainees, 'Every enrolled trainee, submitted or not')}</details>")


def _critical_section(critical: pd.DataFrame, trainees: int, csv_name: str) -> str:
    """Failures per critical item, then every failure in a collapsible list (in the CSV when long)."""
    if not len(critical):
        return "<p>None.</p>"
    per_item = (critical.groupby(["assignment", "grade_id"]).agg(failed=("student_id", "nunique"))
                .reset_index().sort_values("failed", ascending=False))
    per_item["of_trainees"] = trainees
    table = data_table(per_item, "Trainees who failed each critical item")
    if len(critical) > LISTED_FAILURES_MAX:
        return (table + f"<p class='note'>All {len(critical)} failures, by trainee, are in "
                f"{html.escape(csv_name)}; the trainees are also in the table of trainees to act on below.</p>")
    return (table + f"<details><summary>All {len(critical)} failures, by trainee</summary>"
            f"{data_table(critical, 'Every critical-item failure, by trainee')}</details>")


def _mastery_section(mastery: pd.DataFrame, pass_marks: dict[str, float], csv_name: str) -> str:
    """The heatmap for a small cohort; for a large one, the distribution per competency."""
    marks = ", ".join(f"{k} {v:.0%}" for k, v in pass_marks.items())
    if mastery.empty:
        return "<h2>Competency mastery</h2><p>No tagged grade cells.</p>"
    if len(mastery) <= HEATMAP_MAX_TRAINEES:
        return ("<h2>Competency mastery per trainee</h2><p class='note'>Share of the marks available for each "
                f"competency, printed in each cell; a missing submission counts as 0. Marked {figures.BELOW} and "
                f"outlined: below the competency's pass mark ({marks}).</p>"
                + _image(figures.mastery_heatmap(mastery, pass_marks),
                         figures.mastery_alt(mastery, pass_marks, "Heatmap of mastery")))
    return ("<h2>Competency mastery across the cohort</h2><p class='note'>For each competency, the share of the "
            f"{len(mastery)} trainees in each band of mastery (share of the competency's marks; a missing "
            f"submission counts as 0); the black bar marks the share below the pass mark ({marks}). "
            f"The full trainee x competency matrix is in {html.escape(csv_name)}.</p>"
            + _image(figures.mastery_bands(mastery, pass_marks),
                     figures.mastery_alt(mastery, pass_marks, "Bars of mastery bands per competency")))


def _act_on_section(table: pd.DataFrame, pass_marks: dict[str, float], trainees: int) -> str:
    """The trainees below a pass mark or with a failed critical item, sortable and searchable."""
    head = (f"<h2>Trainees to act on</h2><p class='note'>{len(table)} of {trainees} trainees are below the pass "
            "mark in at least one competency (marked “below”) or failed a critical item. Press a heading's "
            "button to sort by it; type in the search box to filter.</p>")
    if not len(table):
        return head
    return head + sortable_table(table, "act-on", {c: pass_marks.get(c, 0.0) for c in pass_marks if c in table},
                                 "search trainees", "Trainees below a pass mark or with a failed critical item")


def _item_sections(tables: dict[str, pd.DataFrame]) -> str:
    parts = []
    for rel in tables["reliability"].itertuples():
        rows = tables["items"][tables["items"]["assignment"] == rel.assignment].drop(columns="assignment")
        poor = rows["poor_discrimination"].tolist()
        table = data_table(rows, f"Item statistics of {rel.assignment}")
        for flag in poor:  # mark poorly discriminating rows, in order
            table = table.replace("<tr>\n      <td>", f'<tr class="{"poor" if flag else "ok"}">\n      <td>', 1)
        parts.append(
            f"<h3>{html.escape(rel.assignment)}</h3><p>n = {rel.n} trainees, {rel.items} items; "
            f"Cronbach's alpha = {rel.alpha:.2f}; SEM = {rel.sem:.2f} marks</p>{table}"
        )
    return "".join(parts)


def _fairness_section(table: pd.DataFrame, csv_name: str) -> str:
    """Facility per variant of every item, with n, and the variants flagged by Fisher's exact test."""
    head = "<h2>Fairness across variants</h2>"
    if not len(table):
        return head + "<p>No assignment was built with variants (or the course has no variant secret).</p>"
    flagged = table[table["flagged"]]
    note = (f"<p class='note'>Each trainee answers their own variant of every item. Per item and variant: n "
            "trainees who submitted, facility (mean mark / max mark), and Fisher's exact test (two-sided) of the "
            "variant against the other variants pooled, on full marks or not. The p-values are adjusted by Holm's "
            f"method over all {len(table)} tests of this report (items x variants), so that the chance of "
            f"flagging any fair variant stays at or below {ALPHA:.0%}; flagged: adjusted p below {ALPHA}. "
            f"With few trainees per variant a real difference may go unflagged. All rows: {html.escape(csv_name)}.</p>")
    listed = "<p>No variant differs from the rest beyond chance.</p>"
    if len(flagged):
        listed = (f"<p><strong>{len(flagged)} variant(s) flagged</strong>: their facility differs from the rest "
                  "beyond chance; check the variant's patient or problem.</p>"
                  + data_table(flagged, "Variants whose facility differs from the rest beyond chance"))
    return (head + note + _image(figures.variant_facility_dots(table), figures.variant_alt(table)) + listed
            + f"<details><summary>Facility of every variant of every item ({len(table)} rows)</summary>"
            f"{data_table(table, 'Facility of every variant of every item, with the test of each')}</details>")


def _exam_section(log: pd.DataFrame, csv_name: str) -> str:
    """Per trainee, the exam sessions' events (open, start, refused requests, hand-in, close); those
    with refused requests first, counted."""
    head = "<h2>Exam sessions</h2>"
    if not len(log):
        return head + ("<p>No exam was sat under an exam session: the course has no exam log (exam sessions are "
                       "opened on the course server with <code>mesocourse hub exam open</code>).</p>")
    summary = exam_summary(log)
    refused = int((summary["Refused requests"] > 0).sum())
    parts = [head, f"<p class='note'>From the course's exam log: {len(summary)} trainee(s) in exam sessions, "
             f"{refused} with refused requests (listed first). Times are UTC. Also in {html.escape(csv_name)}.</p>",
             data_table(summary, "Exam sessions per trainee, with the requests the exam refused")]
    for trainee, count in zip(summary["Trainee"], summary["Refused requests"]):
        events = log[log["trainee"] == trainee].drop(columns="trainee").rename(columns=EXAM_HEADINGS)
        parts.append(f"<h3>Exam log of {html.escape(str(trainee))}</h3>"
                     + data_table(events, f"Exam log of {trainee}, in time order ({count} refused request(s))"))
    return "".join(parts)


def render(scores: Scores, tags: dict[tuple[str, str, str], CellTags], out: Path,
           notes: pd.DataFrame | None = None, variants: Mapping[str, Mapping[str, int]] | None = None,
           exam_log: pd.DataFrame | None = None) -> list[Path]:
    """Write the HTML report to ``out`` and the CSVs beside it; return the files written.

    ``notes`` are the flagged and failed submissions of the grading sheets
    (:func:`.gradesheets.grading_notes`); ``variants`` each trainee's variant per assignment
    (:func:`.fairness.course_allocations`); ``exam_log`` each trainee's exam events
    (:func:`.exam_log.exam_log_table`). Everything is computed before the first file is written.
    """
    tables = build_tables(scores, tags, variants)
    tables["grading_notes"] = notes if notes is not None else pd.DataFrame(columns=GRADING_COLUMNS)
    tables["exam_log"] = exam_log if exam_log is not None else exam_log_table([])
    csv = {name: out.with_name(f"{out.stem}-{name.replace('_', '-')}.csv") for name in tables}
    page = _page(scores, tables, {name: path.name for name, path in csv.items()})
    out.parent.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(csv[name], index=False)
    out.write_text(page, encoding="utf-8")
    return [out, *csv.values()]


def _page(scores: Scores, tables: dict[str, pd.DataFrame], csv: dict[str, str]) -> str:
    """The self-contained HTML report; ``csv`` names each table's CSV file."""
    kb = knowledge.load()
    pass_marks = {c.id: c.pass_mark for c in kb.competencies.values()}
    mastery = tables["mastery"].set_index("student_id")
    assessed = {c: m for c, m in pass_marks.items() if c in mastery.columns}
    act_on = trainees_to_act_on(mastery, assessed, tables["critical"], scores.frame)
    facility = tables["facility_by_parameter"]
    sections = [
        f"<h1>Cohort report</h1><p class='disclaimer'>{html.escape(DISCLAIMER)}</p>",
        f"<p class='note'>{len(scores.students)} trainees, assignments: {', '.join(scores.assignments)}. "
        f"Generated {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. "
        "Tables are also in CSV files beside this report.</p>",
        _trainees_section(tables["trainees"], csv["trainees"]),
        "<h2>Score distribution per assignment</h2>",
        _image(figures.score_distributions(totals_percent(scores)), figures.score_alt(totals_percent(scores))),
        data_table(tables["distribution"], "Total scores per assignment (percent)"),
        _mastery_section(mastery, assessed, csv["mastery"]),
        _act_on_section(act_on, assessed, len(scores.students)),
        "<h2>Critical-item failures</h2><p class='note'>A critical item needs full marks; one failure "
        "blocks certification whatever the total.</p>",
        _critical_section(tables["critical"], len(scores.students), csv["critical"]),
        "<h2>Submissions flagged or failed at grading</h2><p class='note'>What grading repaired, removed or "
        "could not run, from the grading sheets (reports/grading-ASSIGNMENT.csv): read these scores with it.</p>",
        data_table(tables["grading_notes"], "Submissions flagged or failed at grading") if len(tables["grading_notes"])
        else "<p>None: every submission was graded as handed in (or no grading sheet was found).</p>",
        "<h2>Item analysis</h2><p class='note'>Facility = mean mark / max mark; discrimination = corrected "
        f"item-rest correlation; items below {POOR_DISCRIMINATION} (or undefined, when every trainee scored "
        "the same) are flagged: poor_discrimination True, shaded. "
        "Small cohorts make these figures noisy: n is shown.</p>",
        _item_sections(tables),
        _exam_section(tables["exam_log"], csv["exam_log"]),
        _fairness_section(tables["variant_facility"], csv["variant_facility"]),
        "<h2>Facility by scenario parameter</h2>",
        (_image(figures.facility_bars(facility), figures.facility_alt(facility))
         + data_table(facility, "Facility by scenario parameter value")) if len(facility)
         else "<p>No scenario parameters.</p>",
    ]
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>Cohort report</title>"
            f"<style>{STYLE}</style></head><body><main>{''.join(sections)}</main>{SCRIPT}</body></html>")
