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


def _walk(node: Any, path: str, entry: str) -> Iterator[tuple[str, str, str, Any]]:
    """Yield (entry, field path inside the entry, key, value) for every key under a model."""
    if isinstance(node, Model):
        node_id = getattr(node, "id", None)
        if node_id:
            entry, path = node_id, ""
        for key in type(node).model_fields:
            value = getattr(node, key)
            field = f"{path}.{key}" if path else key
            yield entry, field, key, value
            yield from _walk(value, field, entry)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}", entry)
    elif isinstance(node, (tuple, list)):
        for position, value in enumerate(node):
            yield from _walk(value, f"{path}[{position}]", entry)


def check_sources(file: str, content: Model, known: set[str]) -> None:
    """Every `sources`/`source`/`role_sources` value names a bibliography entry."""
    for entry, field, key, value in _walk(content, "", ""):
        if key not in SOURCE_KEYS:
            continue
        for source in (value,) if isinstance(value, str) else value:
            if source not in known:
                raise KnowledgeError(file, entry, field, f"unknown source '{source}'")


def check_refs(file: str, entry: str, field: str, ids: Iterable[str], known: Iterable[str], kind: str) -> None:
    known = set(known)
    for ref in ids:
        if ref not in known:
            raise KnowledgeError(file, entry, field, f"unknown {kind} '{ref}'")
