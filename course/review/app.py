"""The ``review`` Voila app: the due-today table and the review widget, no code shown.

The notebook is built here (not committed under ``notebooks/``) and written into the
folder ``mesocourse app`` serves, so it always matches the installed package.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from course import DISCLAIMER

NAME = "review.ipynb"
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def notebook() -> nbformat.NotebookNode:
    """The review app as a notebook without outputs."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNEL, "language_info": {"name": "python"}})
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# Spaced review\n\n> **{DISCLAIMER}**\n\nThe quiz items due for review "
                                      "today, mixed with fresh practice items computed by the course's engines.",
                                      id="review-00"),
        nbformat.v4.new_code_cell("from course import review\nreview.show_due()", id="review-01"),
        nbformat.v4.new_code_cell("review.review()", id="review-02"),
    ]
    return nb


def write(folder: Path) -> Path:
    """Write the app notebook into ``folder``; return its path."""
    path = folder / NAME
    nbformat.write(notebook(), path)
    return path
