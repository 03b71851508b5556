"""CSV files a spreadsheet opens as text: no cell of ours is ever run as a formula.

A spreadsheet reads a CSV cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab
or carriage return, for DDE) as a formula, so a name typed into a roster such as
``=HYPERLINK(...)`` would become a live link or command in the manager's or HR's
copy. Every text cell that starts like one gets a leading apostrophe (OWASP's
advice for CSV injection); numbers stay numbers, so LMS imports still read grades.
Used by every CSV the course writes for people to open: the clinic manager's table
and ``mesocourse certification-export``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: object) -> object:
    """``cell`` as a spreadsheet should show it: a text that starts like a formula gets a leading apostrophe."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


class InertWriter:
    """A :func:`csv.writer` on ``out`` whose text cells are made :func:`inert`."""

    def __init__(self, out: IO[str]) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([inert(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
