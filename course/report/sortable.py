"""A sortable, searchable HTML table, self-contained (a few lines of inline script).

Press a column heading (a button: mouse, Enter or Space) to sort by it, again to
reverse; the heading's ``aria-sort`` tells a screen reader the order. Type in the
search box to keep only the rows that contain the text. Without JavaScript it is
a plain table. A long table scrolls in its own box (headings stay in view), so
the sections after it stay a short scroll away; printed, it is printed whole.
Shares (0..1) are shown as percentages and sort as numbers; a share below its
column's mark says "below" and gets ``class="below"``.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Mapping
from typing import cast

import pandas as pd

STYLE = """.scroll{max-height:70vh;overflow:auto;display:inline-block}.sortable{margin:0}
.sortable th{position:sticky;top:0}
.sortable th button{font:inherit;color:inherit;background:none;border:0;padding:0;cursor:pointer;white-space:nowrap}
.sortable th button:after{content:" \\2195";color:#666}.sortable th button:focus-visible{outline:3px solid #1a5fb4}
.sortable td.below{background:#fde2e2;font-weight:bold}.search{margin:.3em 0;padding:3px 6px;width:20em}"""
PRINT_STYLE = """@media print{body{max-width:none;margin:0;font-size:11pt}.search{display:none}
.scroll{max-height:none;overflow:visible;display:block}.sortable th{position:static}
.sortable th button:after{content:""}
details::details-content{content-visibility:visible;display:block}summary{font-weight:bold}
h2,h3{break-after:avoid}img,tr{break-inside:avoid}.disclaimer{border:1px solid #888}
tr.poor td,.sortable td.below{background:none}}"""
SCRIPT = """<script>
document.querySelectorAll("input.search").forEach(function (box) {
  var rows = document.getElementById(box.dataset.table).tBodies[0].rows;
  box.addEventListener("input", function () {
    var text = box.value.toLowerCase();
    for (var row of rows) row.style.display = row.textContent.toLowerCase().includes(text) ? "" : "none";
  });
});
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.tHead.rows[0].querySelectorAll("th");
  heads.forEach(function (th, column) {
    th.querySelector("button").addEventListener("click", function () {
      var body = table.tBodies[0], up = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var key = function (row) { var cell = row.cells[column], v = cell.dataset.v;
        return v === undefined ? cell.textContent : parseFloat(v); };
      Array.from(body.rows).sort(function (a, b) {
        var x = key(a), y = key(b), order = x < y ? -1 : x > y ? 1 : 0;
        return up ? order : -order;
      }).forEach(function (row) { body.appendChild(row); });
    });
  });
});
</script>"""


def _cell(value: object, mark: float | None, share: bool) -> str:
    if isinstance(value, float) and math.isnan(value):
        return '<td data-v="-1">n/a</td>'
    if share:
        if mark is not None and cast(float, value) < mark:  # a share: a number
            return f'<td data-v="{value:.6f}" class="below">{value:.0%} below</td>'
        return f'<td data-v="{value:.6f}">{value:.0%}</td>'
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f'<td data-v="{value}">{value:g}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def sortable_table(frame: pd.DataFrame, table_id: str, shares: Mapping[str, float], search: str, caption: str) -> str:
    """``frame`` as a sortable table with a search box; ``shares``: column -> mark for share columns."""
    head = "".join(f'<th scope="col"><button type="button">{html.escape(str(column))}</button></th>'
                   for column in frame.columns)
    kinds = [(column in shares, shares.get(column)) for column in frame.columns]
    body = "\n".join(
        "<tr>" + "".join(_cell(value, mark, share) for value, (share, mark) in zip(row, kinds)) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return (f'<input class="search" type="search" data-table="{table_id}" placeholder="{html.escape(search)}" '
            f'aria-label="{html.escape(search)}"><div class="scroll" tabindex="0" role="region" '
            f'aria-label="{html.escape(caption)}"><table class="sortable" id="{table_id}">'
            f"<caption>{html.escape(caption)}</caption><thead>"
            f"<tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table></div>")
