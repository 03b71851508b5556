"""Cross-file checks: every ID a file mentions must exist where it belongs.

Shape is checked by ``schema``; this module checks references between entries
(sources, areas, roles, ingredients, decisions, parents) and orderings that only
make sense across a whole collection.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .errors import KnowledgeError
from .schema import Model

SOURCE_KEYS = ("sources", "source", "role_sources")


def unique_ids(file: str, items: Iterable[Any]) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise KnowledgeError(file, item.id, "id", f"duplicate ID '{item.id}'")
        seen.add(item.id)


def models(node: Any, path: str = "", entry: str = "") -> Iterator[tuple[str, str, Model]]:
    """Yield (entry, path inside the entry, model) for ``node`` and every model under it.

    The entry is the ID of the innermost model that has one (what an author looks
    for); the path is where the model sits inside that entry ("" for the entry itself).
    """
    if isinstance(node, Model):
        node_id = getattr(node, "id", None)
        if node_id:
            entry, path = node_id, ""
        yield entry, path, node
        for key in type(node).model_fields:
            yield from models(getattr(node, key), f"{path}.{key}" if path else key, entry)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from models(value, f"{path}.{key}", entry)
    elif isinstance(node, (tuple, list)):
        for position, value in enumerate(node):
            yield from models(value, f"{path}[{position}]", entry)


def field_path(path: str, name: str) -> str:
    """The dotted path of field ``name`` of the model at ``path``."""
    return f"{path}.{name}" if path else name


def cited(value: str | tuple[str, ...]) -> tuple[str, ...]:
    """A `source` (one ID) or `sources` (several) value as a tuple of IDs."""
    return (value,) if isinstance(value, str) else tuple(value)


def check_sources(file: str, content: Model, known: set[str]) -> None:
    """Every `sources`/`source`/`role_sources` value names a bibliography entry."""
    for entry, path, model in models(content):
        for key in SOURCE_KEYS:
            value = getattr(model, key, None) if key in type(model).model_fields else None
            for source in cited(value) if value is not None else ():
                if source not in known:
                    raise KnowledgeError(file, entry, field_path(path, key), f"unknown source '{source}'")


def check_refs(file: str, entry: str, field: str, ids: Iterable[str], known: Iterable[str], kind: str) -> None:
    known = set(known)
    for ref in ids:
        if ref not in known:
            raise KnowledgeError(file, entry, field, f"unknown {kind} '{ref}'")

