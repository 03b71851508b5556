"""The error type for malformed course data, naming file, entry and field, and the one
translation of a pydantic validation error into it (used by every YAML loader)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import ValidationError

from course.errors import MesocourseError


class KnowledgeError(MesocourseError, ValueError):
    """A course data file is malformed or inconsistent.

    ``file`` is the YAML file name, ``entry`` the ID (or ``#n`` position) of the entry
    at fault, ``field`` the dotted path to the field inside it.
    """

    def __init__(self, file: str, entry: str, field: str, message: str) -> None:
        self.file, self.entry, self.field, self.message = file, entry, field, message
        where = f"entry '{entry}'" if entry else "top level"
        super().__init__(f"{file}: {where}, field '{field}': {message}")


E = TypeVar("E", bound=ValueError)


def locate(raw: Any, loc: Sequence[Any]) -> tuple[str, str]:
    """(entry, field) for an error at ``loc`` in the parsed YAML ``raw``.

    The entry is the ID of the outermost list item on the path (the quiz item, the
    ingredient, the case: what an author looks for), or its 1-based position
    (``#3``) when it has no ID. The field is the path inside that entry.
    """
    entry, path, node = "", "", raw
    for part in loc:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            if entry or not isinstance(node, dict):
                path += f"[{part}]"
            else:
                entry, path = (node["id"] if isinstance(node.get("id"), str) else f"#{part + 1}"), ""
        else:
            path = f"{path}.{part}" if path else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return entry, path


def validation_error(
    file: str, raw: Any, error: ValidationError,
    kind: Callable[[str, str, str, str], E] = KnowledgeError,  # type: ignore[assignment]
    at: Sequence[Any] = (),
) -> E:
    """The first problem pydantic found in ``raw`` (read from ``file``), as a ``kind``
    error (file, entry, field, message). ``at`` is where the validated value sits in
    ``raw`` when only part of it was validated."""
    first = error.errors()[0]
    entry, field = locate(raw, (*at, *first["loc"]))
    return kind(file, entry, field, first["msg"])
