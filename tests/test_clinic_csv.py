"""The CSV files people open in a spreadsheet (the manager's table, ``certification-export``) hold no live formula.

A staff name typed as ``=HYPERLINK(...)``, ``+cmd`` or ``@SUM(...)`` goes through the real
certification and export commands; the file is then read as a spreadsheet reads a CSV
(RFC 4180 fields; a field whose first character is ``=``, ``+``, ``-`` or ``@``, or a tab or
carriage return, is taken as a formula) and no field may be one.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from certification_builders import Trainee, build_course

from course.cli import main
from course.spreadsheet import FORMULA_STARTS, InertWriter, inert

FORGED = {"first": '=HYPERLINK("http://evil.example","pay")', "last": "+cmd|' /C calc'!A0", "email": "@SUM(1+1)*cmd"}


@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"])
def test_a_cell_that_starts_like_a_formula_gets_an_apostrophe(typed: str) -> None:
    assert inert(typed) == "'" + typed


@pytest.mark.parametrize("plain", ["", "Ann Honest", "2027-01-12", "in progress", "north clinic", 100.0, -3, 1])
def test_plain_cells_and_numbers_are_left_as_they_are(plain: object) -> None:
    assert inert(plain) == plain


def as_a_spreadsheet_reads(text: str) -> list[list[tuple[str, str]]]:
    """Each field of a CSV text as (kind, shown text): "formula" when a spreadsheet would evaluate it."""
    return [[("formula" if field.startswith(FORMULA_STARTS) else "text", field) for field in row]
            for row in csv.reader(io.StringIO(text, newline=""))]


def test_the_writer_keeps_every_row_whole() -> None:
    out = io.StringIO(newline="")
    InertWriter(out).writerows([["=1", "a,b"], [2.5, "-x"]])
    assert as_a_spreadsheet_reads(out.getvalue()) == [[("text", "'=1"), ("text", "a,b")],
                                                      [("text", "2.5"), ("text", "'-x")]]


@pytest.mark.parametrize("export", ["hr", "canvas", "moodle"])
def test_certification_export_writes_no_formula(tmp_path: Path, export: str) -> None:
    course = build_course(tmp_path / "course", [Trainee("mal", FORGED["first"], FORGED["last"], FORGED["email"]),
                                                Trainee("ann", "Ann", "Honest")])
    assert main(["certify", "--course", str(course), "--by", "Ines"]) == 0
    out = tmp_path / f"{export}.csv"
    assert main(["certification-export", "--format", export, "--out", str(out), "--course", str(course)]) == 0
    cells = as_a_spreadsheet_reads(out.read_text(encoding="utf-8"))
    assert [field for row in cells for kind, field in row if kind == "formula"] == []
    shown = {field for row in cells for _, field in row}
    typed = {"hr": [f"{FORGED['first']} {FORGED['last']}", FORGED["email"]], "canvas": [f"{FORGED['last']}, "
             f"{FORGED['first']}"], "moodle": [FORGED["first"], FORGED["last"], FORGED["email"]]}[export]
    assert {"'" + text for text in typed} <= shown  # each typed value is there, whole, as text
    plain = {"hr": "Ann Honest", "canvas": "Honest, Ann", "moodle": "Ann"}[export]
    assert {"ann", plain} <= shown  # an ordinary name is left as typed
    if export != "hr":
        assert "100.0" in shown  # Ann's grades stay numbers an LMS imports
