"""A sortable, searchable HTML table, self-contained (a few lines of inline script).

Click a column heading to sort by it (again to reverse); type in the search box
to keep only the rows that contain the text. Without JavaScript it is a plain
table. A long table scrolls in its own box (headings stay in view), so the
sections after it stay a short scroll away. Shares (0..1) are shown as
percentages and sort as numbers; a share below its column's mark gets
``class="below"``.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Mapping

import pandas as pd

STYLE = """.scroll{max-height:70vh;overflow:auto;display:inline-block}.sortable{margin:0}
.sortable th{cursor:pointer;user-select:none;position:sticky;top:0}.sortable th:after{content:" \\2195";color:#999}
.sortable td.below{background:#fde2e2;font-weight:bold}.search{margin:.3em 0;padding:3px 6px;width:20em}"""
SCRIPT = """<script>
document.querySelectorAll("input.search").forEach(function (box) {
  var rows = document.getElementById(box.dataset.table).tBodies[0].rows;
  box.addEventListener("input", function () {
    var text = box.value.toLowerCase();
    for (var row of rows) row.style.display = row.textContent.toLowerCase().includes(text) ? "" : "none";
  });
});
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.tHead.rows[0].querySelectorAll("th").forEach(function (th, column) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0], up = th.dataset.order !== "up";
      th.dataset.order = up ? "up" : "down";
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
        below = ' class="below"' if mark is not None and value < mark else ""
        return f'<td data-v="{value:.6f}"{below}>{value:.0%}</td>'
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f'<td data-v="{value}">{value:g}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def sortable_table(frame: pd.DataFrame, table_id: str, shares: Mapping[str, float], search: str) -> str:
    """``frame`` as a sortable table with a search box; ``shares``: column -> mark for share columns."""
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in frame.columns)
    kinds = [(column in shares, shares.get(column)) for column in frame.columns]
    body = "\n".join(
        "<tr>" + "".join(_cell(value, mark, share) for value, (share, mark) in zip(row, kinds)) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return (f'<input class="search" type="search" data-table="{table_id}" placeholder="{html.escape(search)}" '
            f'aria-label="{html.escape(search)}"><div class="scroll"><table class="sortable" id="{table_id}"><thead>'
            f"<tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table></div>")
