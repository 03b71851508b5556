"""The report's plots, drawn with matplotlib's object API (no pyplot state, no
open figures left behind); :func:`png` turns one into PNG bytes for embedding.

Every plot but the per-trainee heatmap draws a number of artists bounded by the
course (assignments, competencies, scenario parameters), never by the cohort, so
a cohort of thousands draws as fast as a small one; the heatmap is only drawn for
small cohorts (``course.report.html.HEATMAP_MAX_TRAINEES``). Colours are
colour-blind safe (cividis) and the heatmap prints each value in its cell, with a
cross beside those below the pass mark (not told by colour alone). Each figure has
an ``*_alt`` function: what the figure shows, in words computed from the same data,
for the report's alt text.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

CMAP = "cividis"
BAR_COLOUR = "#3B528B"  # a cividis-range blue, readable on white
BELOW = "\u2717"  # the mark beside a share below its pass mark
BAND_EDGES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
BAND_LABELS = ("0-19%", "20-39%", "40-59%", "60-79%", "80-100%")


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return buffer.getvalue()


def score_distributions(percent: Mapping[str, pd.Series]) -> Figure:
    """One histogram per assignment of trainees' total scores, in percent."""
    figure = Figure(figsize=(3.2 * max(len(percent), 1), 2.8))
    for position, (assignment, values) in enumerate(percent.items(), start=1):
        axes = figure.add_subplot(1, max(len(percent), 1), position)
        axes.hist(values, bins=range(0, 105, 10), color=BAR_COLOUR, edgecolor="white")
        axes.set_title(f"{assignment} (n={len(values)})")
        axes.set_xlabel("score (%)")
        axes.set_xlim(0, 100)
    if figure.axes:
        figure.axes[0].set_ylabel("trainees")
    return figure


def score_alt(percent: Mapping[str, pd.Series]) -> str:
    """What the score histograms show, per assignment."""
    parts = [f"{assignment}: {len(values)} trainees, median {values.median():.0f}%, from {values.min():.0f}% to "
             f"{values.max():.0f}%" for assignment, values in percent.items() if len(values)]
    return "Histograms of trainees' total scores per assignment. " + ("; ".join(parts) or "No submission") + "."


def below_pass_mark(mastery: pd.DataFrame, pass_marks: Mapping[str, float]) -> list[tuple[str, int, int]]:
    """Per competency: (competency, trainees below its pass mark, trainees assessed in it)."""
    return [(c, int((mastery[c].dropna() < pass_marks.get(c, 0.0)).sum()), int(mastery[c].notna().sum()))
            for c in mastery.columns]


def mastery_alt(mastery: pd.DataFrame, pass_marks: Mapping[str, float], kind: str) -> str:
    """What a mastery figure shows: how many trainees are below the pass mark in each competency."""
    counts = "; ".join(f"{below} of {assessed} trainees below the pass mark ({pass_marks.get(c, 0.0):.0%}) on {c}"
                       for c, below, assessed in below_pass_mark(mastery, pass_marks))
    return f"{kind} of {len(mastery)} trainees in {len(mastery.columns)} competencies: {counts}."


def facility_alt(table: pd.DataFrame) -> str:
    """What the facility bars show: how many, and the hardest and easiest."""
    if not len(table):
        return "No scenario parameters."
    rows = table.sort_values("facility")
    name = "{0.assignment}: {0.parameter}={0.value} ({0.facility:.2f}, n={0.n})".format
    return (f"Facility of {len(rows)} scenario parameter values, from {name(next(rows.itertuples()))} "
            f"to {name(list(rows.itertuples())[-1])}.")


def mastery_heatmap(mastery: pd.DataFrame, pass_marks: Mapping[str, float]) -> Figure:
    """Trainees x competencies, coloured by mastery with the percentage in each cell;
    cells below the competency's pass mark outlined. For small cohorts only."""
    rows, cols = mastery.shape
    values = mastery.to_numpy(dtype=float)
    figure = Figure(figsize=(1.6 + 0.9 * cols, 1.2 + 0.22 * rows))
    axes = figure.add_subplot()
    image = axes.imshow(values, aspect="auto", cmap=CMAP, vmin=0, vmax=1)
    axes.set_xticks(range(cols), labels=list(mastery.columns), rotation=45, ha="right")
    axes.set_yticks(range(rows), labels=list(mastery.index), fontsize=7)
    marks = np.array([pass_marks.get(c, 0.0) for c in mastery.columns])
    below = [Rectangle((col - 0.5, row - 0.5), 1, 1) for row, col in zip(*np.nonzero(values < marks))]
    axes.add_collection(PatchCollection(below, facecolor="none", edgecolor="#d62728", linewidth=2))
    for (row, col), value in np.ndenumerate(values):
        if not np.isnan(value):
            mark = f" {BELOW}" if value < marks[col] else ""
            axes.text(col, row, f"{value:.0%}{mark}", ha="center", va="center", fontsize=7,
                      color="white" if value < 0.5 else "black")
    figure.colorbar(image, ax=axes, label=f"share of marks ({BELOW} and outlined: below pass mark)")
    return figure


def mastery_bands(mastery: pd.DataFrame, pass_marks: Mapping[str, float]) -> Figure:
    """Per competency, the share of trainees in each band of mastery, as one stacked
    bar; a black bar marks the share below the competency's pass mark."""
    competencies = list(mastery.columns)
    figure = Figure(figsize=(9, 1.4 + 0.6 * len(competencies)))
    axes = figure.add_subplot()
    colours = colormaps[CMAP](np.linspace(0.05, 0.95, len(BAND_LABELS)))
    shares = np.zeros((len(competencies), len(BAND_LABELS)))
    below = np.zeros(len(competencies))
    for index, competency in enumerate(competencies):
        values = mastery[competency].dropna().to_numpy(dtype=float)
        if len(values):
            bands = np.digitize(np.clip(values, 0, 1), BAND_EDGES[1:-1])
            shares[index] = np.bincount(bands, minlength=len(BAND_LABELS)) / len(values)
            below[index] = np.mean(values < pass_marks.get(competency, 0.0))
    left = np.zeros(len(competencies))
    for band, label in enumerate(BAND_LABELS):
        axes.barh(range(len(competencies)), shares[:, band], left=left, color=colours[band], label=label, height=0.7)
        left += shares[:, band]
    axes.vlines(below, np.arange(len(competencies)) - 0.42, np.arange(len(competencies)) + 0.42,
                colors="black", linewidth=3, label="share below the pass mark")
    counts = [n for _, n, _ in below_pass_mark(mastery, pass_marks)]
    axes.set_yticks(range(len(competencies)), labels=[
        f"{c} (pass mark {pass_marks.get(c, 0.0):.0%})\n{n} below ({b:.0%})"
        for c, n, b in zip(competencies, counts, below)])
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
    axes.set_xlabel(f"share of the {len(mastery)} trainees, by mastery band (share of the competency's marks)")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25 - 0.1 / max(len(competencies), 1)), ncol=6,
                fontsize=8, frameon=False)
    return figure


def facility_bars(table: pd.DataFrame) -> Figure:
    """Facility per scenario parameter value, one bar per (assignment, parameter=value)."""
    labels = [f"{r.assignment}: {r.parameter}={r.value} (n={r.n})" for r in table.itertuples()]
    figure = Figure(figsize=(7, 0.9 + 0.28 * len(labels)))
    axes = figure.add_subplot()
    axes.barh(range(len(labels)), table["facility"], color=BAR_COLOUR)
    axes.set_yticks(range(len(labels)), labels=labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.set_xlabel("facility (mean mark / max mark)")
    return figure


def variant_alt(table: pd.DataFrame) -> str:
    """What the variant dots show: how many, the widest spread, and the flags."""
    spread = table.groupby(["assignment", "item"])["facility"].agg(lambda v: v.max() - v.min())
    (assignment, item), widest = spread.idxmax(), spread.max()
    flagged = table[table["flagged"]]
    flags = "; ".join(f"{r.assignment}: {r.item.split('/')[-1]} variant {r.variant} ({r.facility:.2f}, n={r.n})"
                      for r in flagged.itertuples()) or "none"
    return (f"Facility of {len(table)} variants of {len(spread)} items; the widest spread is "
            f"{assignment}: {item.split('/')[-1]} ({widest:.2f}); flagged: {flags}.")


def variant_facility_dots(table: pd.DataFrame) -> Figure:
    """Per item, each variant's facility as a dot (flagged variants as a large open
    square, so the flag does not rest on colour); bounded by items x variants."""
    items = list(dict.fromkeys(f"{r.assignment}: {r.item.split('/')[-1]}" for r in table.itertuples()))
    position = {item: index for index, item in enumerate(items)}
    figure = Figure(figsize=(7, 0.9 + 0.26 * len(items)))
    axes = figure.add_subplot()
    rows = [position[f"{r.assignment}: {r.item.split('/')[-1]}"] for r in table.itertuples()]
    axes.scatter(table["facility"], rows, s=18, color=BAR_COLOUR, label="a variant")
    flagged = table["flagged"].to_numpy(dtype=bool)
    if flagged.any():
        axes.scatter(table["facility"][flagged], np.array(rows)[flagged], s=120, marker="s", facecolors="none",
                     edgecolors="#d62728", linewidths=2, label="flagged: differs from the rest beyond chance")
    axes.set_yticks(range(len(items)), labels=items, fontsize=8)
    axes.set_ylim(len(items) - 0.5, -0.5)
    axes.set_xlim(-0.02, 1.02)
    axes.set_xlabel("facility of each variant (mean mark / max mark)")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.6 / max(len(items), 1) - 0.08), ncol=2, fontsize=8,
                frameon=False)
    return figure
