"""Shared pieces of the question makers: the YAML item base model and help text."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict

from course import knowledge
from course.errors import MesocourseError

from .parameters import Parameter


class AssignmentItem(BaseModel):
    """One item of an assignment's YAML file; its ``type`` names its maker."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    type: str
    critical: bool = False
    competencies: tuple[str, ...] = ()
    params: dict[str, str] = {}
    vary: dict[str, Parameter] = {}  # parameter ranges for trainees' variants (see .parameters)
    keep: tuple[str, ...] | None = None  # what every variant shares with the written item


class DataError(MesocourseError, ValueError):
    """Case data the engines refuse, naming the item, the field (when one is at fault)
    and what is wrong: bad input (exit status 2), never a crash of the command."""

    def __init__(self, item: AssignmentItem, message: str, field: str = "") -> None:
        self.item_id, self.field, self.message = item.id, field, message
        super().__init__(f"item '{item.id}'{f', field {field!r}' if field else ''}: {message}")


def quoted(values: Iterable[object]) -> str:
    """``"a", "b"`` as the trainee types them."""
    return ", ".join(f'"{v}"' if isinstance(v, str) else repr(v) for v in values)


def allowed_help(intro: str, values: Iterable[object]) -> str:
    """A format line followed by the allowed values, wrapped for a code comment."""
    wrapped = textwrap.wrap(quoted(values), width=84, break_on_hyphens=False)
    return "\n".join([intro, *("  " + line for line in wrapped)])


def named(kind: str, ids: Iterable[str]) -> str:
    """``Name (`id`)`` for knowledge-base IDs of one kind, for the prompts."""
    names = names_of(kind)
    return ", ".join(f"{names[i]} (`{i}`)" for i in ids) or "none"


def names_of(kind: str) -> dict[str, str]:
    """Human names of the knowledge base's IDs of one kind."""
    kb = knowledge.load()
    collections: dict[str, Iterable[Any]] = {
        "condition": kb.screening.conditions,
        "medication": kb.screening.medications,
        "decision": kb.screening.decisions,
        "ingredient": kb.ingredients.values(),
        "area": kb.areas.values(),
        "protocol": kb.protocols.values(),
        "technique": kb.depth_techniques.values(),
        "indication": kb.indications.values(),
        "role": kb.roles.values(),
        "reaction": kb.complications.reactions,
        "step": kb.techniques.session_steps,
        "source": kb.sources.values(),
    }
    return {entry.id: getattr(entry, "name", "") or getattr(entry, "title", "") or entry.text
            for entry in collections[kind]}


def competencies(item: AssignmentItem, default: str) -> tuple[str, ...]:
    return item.competencies or (default,)
