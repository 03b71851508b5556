"""The one error type the knowledge base raises, naming file, entry and field."""

from __future__ import annotations


class KnowledgeError(ValueError):
    """A knowledge-base file is malformed or inconsistent.

    ``file`` is the YAML file name, ``entry`` the ID (or position) of the entry at
    fault, ``field`` the dotted path to the field inside it.
    """

    def __init__(self, file: str, entry: str, field: str, message: str) -> None:
        self.file, self.entry, self.field, self.message = file, entry, field, message
        where = f"entry '{entry}'" if entry else "top level"
        super().__init__(f"{file}: {where}, field '{field}': {message}")
