"""The module notebooks as content: ``notebooks/narrative/*.md`` -> ``mesocourse build-notebooks``.

The committed notebooks are exactly what their narrative files make (what CI's
``make lint`` checks); an edited narrative makes ``--check`` fail naming the
notebook, and writes nothing; a malformed narrative file exits 2 naming the file
and the line, and no notebook is written. Each runs the real command on a copy of
the course's notebooks folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from grading_support import tree_hashes

from course import DISCLAIMER, narrative, syllabus
from course.cli import main
from course.paths import NOTEBOOKS


@pytest.fixture
def notebooks(tmp_path: Path) -> Path:
    """A copy of the course's notebooks folder, narrative files included."""
    return Path(shutil.copytree(NOTEBOOKS, tmp_path / "notebooks"))


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["build-notebooks", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_every_module_has_a_narrative_file_and_check_passes_on_the_repository(capsys):
    assert sorted(p.name for p in (NOTEBOOKS / "narrative").glob("[0-9]*.md")) == \
        sorted(narrative.narrative_path(m).name for m in syllabus.modules())
    status, out, err = _run(capsys, "--check")
    assert (status, err) == (0, "") and "every one matches its narrative" in out


def test_an_edited_narrative_fails_the_check_writes_nothing_then_builds(notebooks, capsys):
    path = notebooks / "narrative" / "04_depth.md"
    path.write_text(path.read_text().replace("## Skin layers by area", "## The layers of the skin, area by area"))
    (notebooks / "09_consultation.ipynb").unlink()
    before = tree_hashes(notebooks)
    status, _, err = _run(capsys, "--check", "--notebooks", str(notebooks))
    assert status == 1
    assert "04_depth.ipynb, 09_consultation.ipynb" in err and "03_ingredients" not in err
    assert tree_hashes(notebooks) == before  # --check writes nothing

    status, out, _ = _run(capsys, "--notebooks", str(notebooks))
    assert status == 0 and "wrote 2 notebook(s)" in out and "04_depth.ipynb, 09_consultation.ipynb" in out
    rebuilt = nbformat.read(notebooks / "04_depth.ipynb", as_version=4)
    assert rebuilt.cells[2].source.startswith("## The layers of the skin, area by area")
    assert DISCLAIMER in rebuilt.cells[0].source
    assert all(cell.outputs == [] for cell in rebuilt.cells if cell.cell_type == "code")
    assert (notebooks / "09_consultation.ipynb").read_bytes() == (NOTEBOOKS / "09_consultation.ipynb").read_bytes()
    assert (notebooks / "03_ingredients.ipynb").read_bytes() == (NOTEBOOKS / "03_ingredients.ipynb").read_bytes()
    assert _run(capsys, "--check", "--notebooks", str(notebooks))[0] == 0


def test_the_build_is_the_narrative_in_the_frame():
    module = syllabus.module("04")
    body = narrative.read_narrative(narrative.narrative_path(module), "04")
    cells = narrative.notebook(module, body).cells
    assert [(c.cell_type, c.source) for c in cells[2:-4]] == [(c.kind, c.source) for c in body.cells]
    assert cells[0].source == f"# Module 04 · {module.title}\n\n> **{DISCLAIMER}**"
    assert 'nb.objectives("04")' in cells[1].source and 'quiz.show("04")' in cells[-3].source
    assert [c.id for c in cells] == [f"m04-{n:02d}" for n in range(len(cells))]
    orientation = narrative.read_narrative(narrative.narrative_path(syllabus.module("00")), "00")
    assert not orientation.self_check  # module 00 ends with the review, not a quiz


def test_an_ordinary_fenced_block_stays_markdown(tmp_path):
    path = tmp_path / "04_depth.md"
    path.write_text('---\nmodule: "04"\n---\n\nIntro\n\n```python\n+++\n```{code-cell} python\n```\n\n'
                    "+++\n\nSecond\n\n```{code-cell} python\nx = 1\n```\n")
    body = narrative.read_narrative(path, "04")
    assert body.cells == (
        narrative.Cell("markdown", "Intro\n\n```python\n+++\n```{code-cell} python\n```"),
        narrative.Cell("markdown", "Second"),
        narrative.Cell("code", "x = 1"),
    )


GOOD = '---\nmodule: "04"\n---\n\n## Heading\n\n```{code-cell} python\nnb.layers()\n```\n'
# (id, the narrative file's text or None to delete it, line named, words of the message)
BAD = [
    ("missing-file", None, None, "no narrative file for module 04"),
    ("unknown-marker", GOOD.replace("{code-cell}", "{code_cell}"), 7, "unknown cell marker '```{code_cell} python'"),
    ("marker-not-at-line-start", GOOD.replace("```{code-cell}", "  ```{code-cell}"), 7, "a code cell opens with"),
    ("other-language", GOOD.replace("{code-cell} python", "{code-cell} R"), 7, "code cells are Python"),
    ("code-cell-never-closed", GOOD[:-4], 7, "never closed"),
    ("empty-code-cell", GOOD.replace("nb.layers()\n", ""), 7, "empty code cell"),
    ("break-with-text", GOOD.replace("## Heading", "+++ {\"tags\": []}\n## Heading"), 5, "'+++' alone on its line"),
    ("break-after-code", GOOD + "\n+++\n\nMore\n", 11, "no markdown comes before it"),
    ("break-at-the-end", GOOD.replace("## Heading", "## Heading\n+++\n"), 6, "no markdown follows it"),
    ("unknown-field", GOOD.replace('module: "04"', 'module: "04"\nquizz: false'), 3, "unknown field 'quizz'"),
    ("wrong-module", GOOD.replace('"04"', '"05"'), 2, "module is '05', but this is module 04's file"),
    ("module-as-a-number", GOOD.replace('"04"', "4"), 2, "module is 4"),
    ("self-check-not-a-boolean", GOOD.replace('"04"', '"04"\nself_check: maybe'), 3,
     "self_check must be true or false"),
    ("no-front-matter", GOOD[GOOD.index("## Heading"):], 1, "must start with a front matter"),
    ("front-matter-not-closed", GOOD.replace("---\n\n##", "\n##"), 1, "not closed"),
    ("front-matter-not-yaml", GOOD.replace('module: "04"', 'module: "04'), 2, "not valid YAML"),
    ("no-module-field", GOOD.replace('module: "04"', "self_check: true"), 1, "no 'module' field"),
    ("no-cells", '---\nmodule: "04"\n---\n\n', 4, "no cells"),
]


@pytest.mark.parametrize(("text", "line", "expected"), [pytest.param(*case[1:], id=case[0]) for case in BAD])
def test_a_bad_narrative_exits_2_naming_file_and_line_and_writes_nothing(notebooks, capsys, text, line, expected):
    path = notebooks / "narrative" / "04_depth.md"
    (notebooks / "narrative" / "01_what_is_mesotherapy.md").write_text(
        (NOTEBOOKS / "narrative" / "01_what_is_mesotherapy.md").read_text().replace("## Where", "## When"))
    if text is None:
        path.unlink()
    else:
        path.write_text(text)
    before = tree_hashes(notebooks)
    for check in ([], ["--check"]):
        status, out, err = _run(capsys, *check, "--notebooks", str(notebooks))
        assert status == 2 and out == ""
        (message,) = err.splitlines()
        where = f"{path}, line {line}:" if line else f"{path}:"
        assert message.startswith(f"mesocourse build-notebooks: error: {where}"), message
        assert expected in message, message
    assert tree_hashes(notebooks) == before  # not even the module whose narrative was good (01) is written
