"""The course's modules (``syllabus.yaml``): title, notebook and learning objectives.

Each objective is tagged with a competency ID of the knowledge base, and that
competency must list the module, so objectives, quizzes and certification speak
of the same competencies. A fault raises ``KnowledgeError`` naming the file, the
module and the field.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from course import knowledge
from course.knowledge import KnowledgeError
from course.knowledge.errors import validation_error

SYLLABUS_FILE = Path(__file__).parent / "syllabus.yaml"


class Objective(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    competency: str | None = None  # None only for the orientation module


class Module(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    notebook: str
    objectives: tuple[Objective, ...]


class Syllabus(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    modules: tuple[Module, ...]


def _check(syllabus: Syllabus, file: str) -> None:
    competencies = knowledge.load().competencies
    seen: set[str] = set()
    for module in syllabus.modules:
        if module.id in seen:
            raise KnowledgeError(file, module.id, "id", f"duplicate module ID '{module.id}'")
        seen.add(module.id)
        for position, objective in enumerate(module.objectives):
            field = f"objectives[{position}].competency"
            if objective.competency is None:
                continue
            if objective.competency not in competencies:
                raise KnowledgeError(file, module.id, field, f"unknown competency '{objective.competency}'")
            if module.id not in competencies[objective.competency].modules:
                raise KnowledgeError(file, module.id, field,
                                     f"competency '{objective.competency}' does not list module {module.id}")
    for competency in competencies.values():
        for module_id in competency.modules:
            tagged = [m for m in syllabus.modules if m.id == module_id
                      and any(o.competency == competency.id for o in m.objectives)]
            if not tagged:
                raise KnowledgeError(file, module_id, "objectives",
                                     f"no objective builds competency '{competency.id}', which lists this module")


def load_from(path: Path | str) -> tuple[Module, ...]:
    """The modules in ``path``, validated against the knowledge base's competencies."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise KnowledgeError(path.name, "", "", f"cannot read the syllabus: {error}") from None
    try:
        syllabus = Syllabus.model_validate(raw)
    except ValidationError as error:
        raise validation_error(path.name, raw, error) from None
    _check(syllabus, path.name)
    return syllabus.modules


@functools.cache
def modules() -> tuple[Module, ...]:
    """The course's own modules, loaded once per process."""
    return load_from(SYLLABUS_FILE)


def module(module_id: str) -> Module:
    """One module by ID ("00" to "09"); ``KeyError`` naming the known IDs otherwise."""
    found = {m.id: m for m in modules()}
    if module_id not in found:
        raise KeyError(f"unknown module '{module_id}' (known: {', '.join(found)})")
    return found[module_id]


def competencies(module_id: str) -> tuple[str, ...]:
    """The competency IDs a module's objectives build, in order of first mention."""
    return tuple(dict.fromkeys(o.competency for o in module(module_id).objectives if o.competency))
