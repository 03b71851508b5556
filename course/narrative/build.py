"""The module notebooks (``NN_slug.ipynb``), built from their narrative files.

Every notebook gets the same frame around its module's narrative
(:mod:`course.narrative.content`): the title and the disclaimer
(``course.DISCLAIMER``, its one definition), the learning objectives
(``course.notebook.objectives``), the body, then, unless the narrative says
``self_check: false``, the self-check quiz (``course.quiz.show``) and the
sources cited. Every medical fact is rendered from the knowledge base by a code
cell; the narrative types none. Notebooks are written without outputs, with
stable cell IDs and metadata, and serialised the same way every time, so a
build is reproducible byte for byte and ``stale`` can compare texts.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from course import DISCLAIMER, syllabus
from course.paths import NOTEBOOKS

from .content import Cell, Narrative, read_narrative

NARRATIVE = "narrative"  # the narrative files' folder, inside the notebooks folder
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
NBFORMAT_MINOR = 5  # the first with cell IDs; pinned, so a newer nbformat does not change the files

OPENING = Cell("code", 'from course import knowledge, notebook as nb\nkb = knowledge.load()\nnb.objectives("{module}")')
SELF_CHECK = (
    Cell("markdown", "## Self-check\nAnswer the quiz without looking back first; each answer gives feedback with its "
                     "sources, and\nyour attempt is recorded for your progress view (module 00)."),
    Cell("code", 'from course import quiz\nquiz.show("{module}")'),
    Cell("markdown", "## Sources"),
    Cell("code", "nb.references()"),
)


def narrative_path(module: syllabus.Module, folder: Path = NOTEBOOKS) -> Path:
    """Where ``module``'s narrative file is: ``FOLDER/narrative/NN_slug.md``."""
    return folder / NARRATIVE / Path(module.notebook).with_suffix(".md").name


def cells(module: syllabus.Module, narrative: Narrative) -> list[Cell]:
    """The module's cells: its narrative in the common frame."""
    title = Cell("markdown", f"# Module {module.id} · {module.title}\n\n> **{DISCLAIMER}**")
    closing = SELF_CHECK if narrative.self_check else ()
    frame = [cell._replace(source=cell.source.replace("{module}", module.id)) for cell in (OPENING, *closing)]
    return [title, frame[0], *narrative.cells, *frame[1:]]


def notebook(module: syllabus.Module, narrative: Narrative) -> nbformat.NotebookNode:
    """The module as a notebook without outputs, with stable cell IDs."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNEL, "language_info": {"name": "python"}},
                                  nbformat_minor=NBFORMAT_MINOR)
    for number, (kind, source) in enumerate(cells(module, narrative)):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(make(source, id=f"m{module.id}-{number:02d}"))
    return nb


def built(folder: Path = NOTEBOOKS) -> dict[Path, str]:
    """Every module notebook's text as its narrative makes it, by the notebook's path.

    Every narrative file is read before anything is returned, so a bad one
    (``NarrativeError``) stops a build before any notebook is written.
    """
    texts = {}
    for module in syllabus.modules():
        narrative = read_narrative(narrative_path(module, folder), module.id)
        texts[folder / module.notebook] = nbformat.writes(notebook(module, narrative)) + "\n"
    return texts


def stale(folder: Path = NOTEBOOKS) -> list[Path]:
    """The notebooks that are missing or differ from what their narrative makes."""
    return [path for path, text in built(folder).items() if not _holds(path, text)]


def write(folder: Path = NOTEBOOKS) -> list[Path]:
    """Write every notebook that differs from its narrative; return those written."""
    written = []
    for path, text in built(folder).items():
        if not _holds(path, text):
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except FileNotFoundError:
        return False
