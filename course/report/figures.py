"""The report's plots, drawn with matplotlib's object API (no pyplot state, no
open figures left behind) and returned as PNG bytes for embedding."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return buffer.getvalue()


def score_distributions(percent: Mapping[str, pd.Series]) -> bytes:
    """One histogram per assignment of trainees' total scores, in percent."""
    figure = Figure(figsize=(3.2 * max(len(percent), 1), 2.8))
    for position, (assignment, values) in enumerate(percent.items(), start=1):
        axes = figure.add_subplot(1, max(len(percent), 1), position)
        axes.hist(values, bins=range(0, 105, 10), color="#4C72B0", edgecolor="white")
        axes.set_title(f"{assignment} (n={len(values)})")
        axes.set_xlabel("score (%)")
        axes.set_xlim(0, 100)
    if figure.axes:
        figure.axes[0].set_ylabel("trainees")
    return png(figure)


def mastery_heatmap(mastery: pd.DataFrame, pass_marks: Mapping[str, float]) -> bytes:
    """Trainees x competencies, coloured by mastery; cells below the pass mark marked."""
    rows, cols = mastery.shape
    figure = Figure(figsize=(1.0 + 0.9 * cols, 1.2 + min(0.18 * rows, 40)))
    axes = figure.add_subplot()
    image = axes.imshow(mastery.to_numpy(dtype=float), aspect="auto", cmap="RdYlGn", vmin=0, vmax=1)
    axes.set_xticks(range(cols), labels=list(mastery.columns), rotation=45, ha="right")
    axes.set_yticks(range(rows), labels=list(mastery.index), fontsize=6 if rows > 40 else 8)
    for (row, col), value in pd.DataFrame(mastery.to_numpy()).stack().items():
        if value < pass_marks.get(mastery.columns[col], 0):
            axes.plot(col, row, marker="x", color="black", markersize=4)
    figure.colorbar(image, ax=axes, label="share of marks (x = below pass mark)")
    return png(figure)


def facility_bars(table: pd.DataFrame) -> bytes:
    """Facility per scenario parameter value, one bar per (assignment, parameter=value)."""
    labels = [f"{r.assignment}: {r.parameter}={r.value} (n={r.n})" for r in table.itertuples()]
    figure = Figure(figsize=(7, 0.9 + 0.28 * len(labels)))
    axes = figure.add_subplot()
    axes.barh(range(len(labels)), table["facility"], color="#55A868")
    axes.set_yticks(range(len(labels)), labels=labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.set_xlabel("facility (mean mark / max mark)")
    return png(figure)
