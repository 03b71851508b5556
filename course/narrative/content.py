"""Reading a module's narrative file: ``notebooks/narrative/NN_slug.md``.

The file is Markdown in the MyST notebook convention (what ``jupytext`` calls
``md:myst``), so it reads as a plain document and every code cell is explicit:

- a YAML front matter between two ``---`` lines: ``module`` (the module's ID,
  quoted: ``"04"``) and, optionally, ``self_check: false`` for a module that
  ends without a quiz (the orientation module);
- markdown cells as plain Markdown; ``+++`` alone on a line separates two
  markdown cells that follow each other;
- a code cell opens with ```` ```{code-cell} python ```` and closes with
  ```` ``` ````. An ordinary fenced block inside a markdown cell stays Markdown.

Anything else that looks like a marker (an unknown ```` ```{directive} ````,
``+++`` followed by text, a code cell never closed, an empty cell) is refused
with :class:`NarrativeError`, naming the file and the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple

import yaml

from course.errors import MesocourseError

CODE_OPEN = "```{code-cell}"
LANGUAGES = ("", "python", "ipython3")
CLOSE = "```"
BREAK = "+++"
FIELDS = ("module", "self_check")


class NarrativeError(MesocourseError):
    """A narrative file that cannot be read as one, with the file and the line at fault."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class Cell(NamedTuple):
    kind: Literal["markdown", "code"]
    source: str


@dataclass(frozen=True)
class Narrative:
    """One module's narrative: its ID, whether it ends with the self-check, and its body."""

    module: str
    self_check: bool
    cells: tuple[Cell, ...]


def read_narrative(path: Path, module_id: str) -> Narrative:
    """The narrative in ``path``, which must be module ``module_id``'s."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NarrativeError(path, None, f"no narrative file for module {module_id}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise NarrativeError(path, None, f"cannot read it: {error}") from None
    lines = text.splitlines()
    body_start, fields = _front_matter(path, lines)
    _check_fields(path, fields, module_id)
    self_check = fields.get("self_check", (0, True))[1]
    return Narrative(module_id, bool(self_check), _cells(path, lines, body_start))


def _front_matter(path: Path, lines: list[str]) -> tuple[int, dict[str, tuple[int, object]]]:
    """The front matter's fields as ``{name: (line, value)}`` and the index of the body's first line."""
    if not lines or lines[0].strip() != "---":
        raise NarrativeError(path, 1, "the file must start with a front matter: '---', 'module: \"NN\"', '---'")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise NarrativeError(path, 1, "the front matter is not closed by a '---' line")
    source = "\n".join(lines[1:end])
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
        values = yaml.safe_load(source)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        raise NarrativeError(path, line,
                             f"the front matter is not valid YAML: {getattr(error, 'problem', error)}") from None
    if not isinstance(node, yaml.MappingNode) or not isinstance(values, dict):
        raise NarrativeError(path, 2, "the front matter must be fields such as 'module: \"04\"'")
    lines_of = {str(key.value): 2 + key.start_mark.line for key, _ in node.value}
    return end + 1, {str(name): (lines_of.get(str(name), 2), value) for name, value in values.items()}


def _check_fields(path: Path, fields: dict[str, tuple[int, object]], module_id: str) -> None:
    for name, (line, value) in fields.items():
        if name not in FIELDS:
            raise NarrativeError(path, line, f"unknown field '{name}' (known: {', '.join(FIELDS)})")
        if name == "module" and value != module_id:
            raise NarrativeError(path, line,
                                 f"module is {value!r}, but this is module {module_id}'s file "
                                 f"(write module: \"{module_id}\")")
        if name == "self_check" and not isinstance(value, bool):
            raise NarrativeError(path, line, f"self_check must be true or false, not {value!r}")
    if "module" not in fields:
        raise NarrativeError(path, 1, f"the front matter has no 'module' field (write module: \"{module_id}\")")


def _cells(path: Path, lines: list[str], start: int) -> tuple[Cell, ...]:
    """The body's cells, in order; markers are checked as they come."""
    cells: list[Cell] = []
    markdown: list[str] = []
    opened_by = 0  # the line of the '+++' that opened the markdown being gathered, if one did
    in_fence = 0  # the line opening an ordinary fenced block of a markdown cell, while inside it
    number = start
    while number < len(lines):
        line, shown = lines[number], number + 1
        stripped = line.rstrip()
        if in_fence:  # everything up to the fence's closing line is this markdown cell's
            in_fence = 0 if stripped.strip() == CLOSE else in_fence
            markdown.append(line)
        elif stripped.startswith("```{"):
            _check_code_marker(path, shown, stripped)
            _close_markdown(path, cells, markdown, opened_by)
            number = _code_cell(path, lines, number, cells)
            markdown, opened_by = [], 0
        elif stripped.startswith(BREAK):
            if stripped != BREAK:
                raise NarrativeError(path, shown, f"'{stripped}': a cell break is '+++' alone on its line")
            if not "\n".join(markdown).strip():
                raise NarrativeError(path, shown, "'+++' separates two markdown cells, but no markdown comes before it")
            _close_markdown(path, cells, markdown, opened_by)
            markdown, opened_by = [], shown
        elif "{code-cell}" in stripped:
            raise NarrativeError(path, shown,
                                 f"'{stripped}': a code cell opens with '{CODE_OPEN} python' at the start of its line")
        else:
            in_fence = shown if stripped.startswith(CLOSE) else 0
            markdown.append(line)
        number += 1
    if in_fence:
        raise NarrativeError(path, in_fence, "this fenced block is never closed with '```'")
    _close_markdown(path, cells, markdown, opened_by)
    if not cells:
        raise NarrativeError(path, start + 1, "the narrative has no cells")
    return tuple(cells)


def _check_code_marker(path: Path, line: int, marker: str) -> None:
    if not marker.startswith(CODE_OPEN):
        raise NarrativeError(path, line,
                             f"unknown cell marker '{marker}' (a code cell opens with '{CODE_OPEN} python')")
    language = marker[len(CODE_OPEN):].strip()
    if language not in LANGUAGES:
        raise NarrativeError(path, line, f"'{marker}': code cells are Python ('{CODE_OPEN} python'), not {language!r}")


def _code_cell(path: Path, lines: list[str], opening: int, cells: list[Cell]) -> int:
    """Append the code cell opened at index ``opening``; return the index of its closing line."""
    for number in range(opening + 1, len(lines)):
        if lines[number].rstrip() == CLOSE:
            source = "\n".join(lines[opening + 1:number]).strip()
            if not source:
                raise NarrativeError(path, opening + 1, "empty code cell")
            cells.append(Cell("code", source))
            return number
    raise NarrativeError(path, opening + 1, f"code cell opened here is never closed with '{CLOSE}'")


def _close_markdown(path: Path, cells: list[Cell], lines: list[str], opened_by: int) -> None:
    """Append the markdown cell gathered so far, if any; a '+++' must be followed by markdown."""
    source = "\n".join(lines).strip()
    if source:
        cells.append(Cell("markdown", source))
    elif opened_by:
        raise NarrativeError(path, opened_by, "'+++' separates two markdown cells, but no markdown follows it")
