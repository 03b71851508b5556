"""An item with its parameters set: the written item, or one variant's draw.

``written`` is the item as its YAML writes it (its text's ``{name}`` placeholders
filled with the written values); ``realise`` sets any values at their paths and in
the text, and validates the result as the item's own model, so a draw is checked
like written case data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .common import AssignmentItem, DataError
from .parameters import TEXT_FIELDS, Value, read_path, set_path, shown, text_names


def plain(item: AssignmentItem, exclude: set[str] | None = None) -> dict[str, Any]:
    """The item's data as lists and dicts (tuples become lists, so a path can set a position)."""
    def lists(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [lists(v) for v in value]
        if isinstance(value, dict):
            return {k: lists(v) for k, v in value.items()}
        return value

    return lists(item.model_dump(exclude=exclude))


def written_values(item: AssignmentItem) -> dict[str, Value]:
    """The written item's value of each parameter: its field, or the first choice or low end."""
    data = plain(item)
    found = {}
    for name, parameter in item.vary.items():
        if not parameter.targets():
            found[name] = parameter.first
            continue
        values = []
        for path in parameter.targets():
            try:
                values.append(read_path(data, path))
            except (KeyError, IndexError, ValueError, TypeError):
                field = f"vary.{name}.{'paths' if parameter.paths else 'path'}"
                raise DataError(item, f"parameter '{name}': the item has no field '{path}'", field) from None
        found[name] = values if parameter.paths else values[0]
    return found


def realise(item: AssignmentItem, values: Mapping[str, Value]) -> AssignmentItem:
    """The item with ``values`` set at their paths and filled into its text."""
    if not item.vary:
        return item
    data = plain(item, {"vary", "keep"})
    for name, parameter in item.vary.items():
        for path, value in parameter.assignments(values[name]):
            set_path(data, path, value)
    texts = {name: shown(value) for name, value in values.items()}
    for field in TEXT_FIELDS:
        text = data.get(field)
        if isinstance(text, str):
            unknown = text_names(text) - set(texts)
            if unknown:
                raise DataError(item, f"{{{sorted(unknown)[0]}}} is not a parameter of the item's vary", field)
            data[field] = text.format(**texts)
    try:
        return type(item).model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise DataError(item, f"{where}: {first['msg']}") from None


def written(item: AssignmentItem) -> AssignmentItem:
    """The item as its YAML writes it, with its text filled in (what ``load_assignment`` asks)."""
    return realise(item, written_values(item))
