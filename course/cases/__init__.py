"""Synthetic screening cases (``screening.yaml``): teaching data, not outcomes.

``load()`` validates each case's shape and its patient and cocktail against the
screening contract (``course.screening``), so a typo in an ID fails here with
the file, case and field named, not later in the gallery. The outcome of a case
is never stored: callers compute it with ``course.screening.screen``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from course import knowledge
from course.knowledge import KnowledgeError
from course.knowledge.errors import validation_error
from course.screening import to_cocktail, to_patient

CASES_FILE = Path(__file__).parent / "screening.yaml"


class Case(BaseModel):
    """A synthetic patient with a planned cocktail."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    story: str
    patient: dict[str, Any]
    cocktail: tuple[str, ...] = ()


def _validate(raw: Any, file: str) -> tuple[Case, ...]:
    if not isinstance(raw, dict) or not isinstance(raw.get("cases"), list):
        raise KnowledgeError(file, "", "cases", "the file must hold a list under `cases`")
    kb = knowledge.load()
    parsed, seen = [], set()
    for position, entry in enumerate(raw["cases"]):
        try:
            case = Case.model_validate(entry)
        except ValidationError as error:
            raise validation_error(file, raw, error, at=("cases", position)) from None
        if case.id in seen:
            raise KnowledgeError(file, case.id, "id", f"duplicate case ID '{case.id}'")
        seen.add(case.id)
        try:
            to_patient(case.patient, kb.screening, kb.ingredients)
        except ValueError as error:
            raise KnowledgeError(file, case.id, "patient", str(error)) from None
        try:
            to_cocktail(case.cocktail, kb.ingredients)
        except ValueError as error:
            raise KnowledgeError(file, case.id, "cocktail", str(error)) from None
        parsed.append(case)
    return tuple(parsed)


def load(path: Path | str = CASES_FILE) -> tuple[Case, ...]:
    """The cases in ``path`` (by default the course's own), validated."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise KnowledgeError(path.name, "", "", f"cannot read cases: {error}") from None
    return _validate(raw, path.name)
