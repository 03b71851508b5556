"""The module notebooks: committed clean, in the frame ``mesocourse build-notebooks`` gives
them (``tests/test_narrative.py`` checks they are their narrative's build), and every one
runs top to bottom headless (nbclient, the venv's ``python3`` kernel) with no error
and nothing on stderr."""

from __future__ import annotations

import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course import DISCLAIMER, syllabus

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MODULES = syllabus.modules()
# A number with a unit, or a year, typed in markdown is a fact that belongs in the knowledge base.
TYPED_FACT = re.compile(
    r"\d+(\.\d+)?\s*(-|–|to)?\s*\d*\s*(mm|mL|ml|days?|weeks?|months?|years?|%|°|degrees|sessions?)(?!\w)"
    r"|\b(1[89]|20)\d\d\b"
)


def _read(module: syllabus.Module) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / module.notebook, as_version=4)


def test_every_module_has_a_notebook_and_no_other_notebook_exists():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(m.notebook for m in MODULES)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_committed_notebook_has_no_outputs(module):
    for cell in _read(module).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{module.notebook}: cell {cell.id}"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_notebook_frame_and_no_typed_facts(module):
    cells = _read(module).cells
    assert DISCLAIMER in cells[0].source and f'nb.objectives("{module.id}")' in cells[1].source
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    if module.id == "00":
        assert "progress.show_progress()" in code and "review.show_due()" in code and "review.review()" in code
    else:
        assert f'quiz.show("{module.id}")' in cells[-3].source and cells[-1].source == "nb.references()"
        assert "from course.widgets." in code  # at least one widget scenario
    for cell in cells[1:]:
        if cell.cell_type == "markdown":
            typed = TYPED_FACT.search(cell.source)
            assert typed is None, f"{module.notebook}: '{typed.group(0)}' typed in markdown; render it from the KB"


@pytest.fixture(scope="session")
def kernel_env() -> dict[str, str]:
    """The kernel's environment: the venv first on PATH (its kernelspec runs `python`), Agg."""
    import matplotlib.font_manager  # noqa: F401  (builds the font cache here, not inside a cell)

    return dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
                MPLBACKEND="Agg")


def _execute_cleanly(nb: nbformat.NotebookNode, name: str, env: dict[str, str]) -> None:
    """Run ``nb`` headless; no cell may fail or write to stderr, and every scenario, the
    progress view, the due-today view and the review widget display something."""
    client = NotebookClient(
        nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(NOTEBOOKS)}},
        extra_arguments=["--HistoryManager.enabled=False"],  # parallel kernels share no history database
    )
    client.execute(env=env)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{name} cell {cell.id}: {output.get('evalue')}"
            assert output.get("name") != "stderr", f"{name} cell {cell.id} wrote to stderr: {output.text}"
        widget = "from course.widgets." in cell.source or "review.review()" in cell.source
        shows = widget or "show_progress()" in cell.source or "show_due()" in cell.source
        if cell.cell_type == "code" and shows:  # scenarios and the progress view render with their defaults
            views = [o for o in cell.outputs if o.output_type in ("display_data", "execute_result")]
            assert views, f"{name} cell {cell.id} displayed nothing"
            if widget:
                assert any("application/vnd.jupyter.widget-view+json" in o.data for o in views)


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_notebook_runs_headless_without_errors_or_stderr(module, kernel_env, tmp_path):
    _execute_cleanly(_read(module), module.notebook,
                     {**kernel_env, "MESOCOURSE_ATTEMPTS": str(tmp_path / "attempts.json")})


@pytest.mark.slow
def test_review_app_runs_headless_with_items_due(kernel_env, tmp_path):
    """The Voila review app (as `mesocourse app` writes it), on a record with an item due."""
    from course.apps import REVIEW, app_folder
    from course.progress import AttemptStore

    attempts = tmp_path / "attempts.json"
    AttemptStore(attempts).record("04", "depth-01", "depth", False, 0.0, at=datetime(2026, 1, 5, tzinfo=timezone.utc))
    (folder := tmp_path / "apps").mkdir()
    (path,) = app_folder(folder, (REVIEW,))
    nb = nbformat.read(path, as_version=4)
    assert DISCLAIMER in nb.cells[0].source
    _execute_cleanly(nb, path.name, {**kernel_env, "MESOCOURSE_ATTEMPTS": str(attempts)})
    due_view = "".join(o.get("data", {}).get("text/markdown", "") for o in nb.cells[1].outputs)
    assert "1 item(s) due for review now (module 04: 1)" in due_view
    assert len(AttemptStore(attempts).attempts()) == 1  # showing the app records nothing
