"""Templates of generated items (``course/review/templates/*.yaml``), validated on load.

A template file holds ``templates:``, each::

    - id: gen-depth-tip                   # also the item ID its attempts are recorded under
      module: "04"                        # a module the competency lists
      competency: depth
      difficulty: medium
      kind: depth                         # a generator: screening, depth, planning, cocktail
      ask: tip_depth                      # one of the generator's questions
      sources: [dermotherap]              # optional, cited beside the engine's own sources
      parameters:                         # each drawn from its choices
        needle_mm: [4, 6, 13]
        angle_deg: [15, 30, 45]
        area: [face_forehead]
        first_session: {from: 2027-01-04, to: 2027-12-31}   # dates: every day in between

Validation goes further than shape: every combination of choices is drawn once
(the space is capped at :data:`MAX_DRAWS`), and a template is refused, naming its
file, its ID and the draw, when the engine cannot answer a draw, when a draw's right
answer is not one clear answer (:class:`~course.review.generators.Ambiguous`), or
when the item built fails the quiz banks' own item checks.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from course import knowledge
from course.knowledge.errors import validation_error
from course.quiz.bank import QuizError
from course.quiz.checks import _Fault, check_item

from .generators import KINDS, Ambiguous, Generated, Spec

TEMPLATES = Path(__file__).parent / "templates"
MAX_DRAWS = 5000


class TemplateError(QuizError):
    """A template is malformed or can draw an item that is unanswerable or ambiguous."""

    def __init__(self, file: str, template: str, field: str, message: str) -> None:
        super().__init__(file, template, field, message)
        where = f"template '{template}'" if template else "top level"
        self.args = (f"{file}: {where}, field '{field}': {message}",)


class DateSpan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: date = Field(alias="from")
    end: date = Field(alias="to")

    def days(self) -> list[str]:
        return [(self.start + timedelta(days=n)).isoformat() for n in range((self.end - self.start).days + 1)]


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^gen-[a-z0-9-]+$")
    module: str = Field(pattern=r"^\d\d$")
    competency: str
    difficulty: Literal["easy", "medium", "hard"]
    kind: Literal["screening", "depth", "planning", "cocktail"]
    ask: str
    sources: tuple[str, ...] = ()
    parameters: dict[str, list[Any] | DateSpan]

    @property
    def spec(self) -> Spec:
        return Spec(self.id, self.competency, self.difficulty, self.ask, self.sources)

    def choices(self) -> dict[str, list[Any]]:
        """Each parameter's choices (a date span as its ISO dates)."""
        return {name: (value.days() if isinstance(value, DateSpan) else list(value))
                for name, value in self.parameters.items()}

    def build(self, parameters: Mapping[str, Any]) -> Generated:
        """The item for one draw (``ValueError`` or ``Ambiguous`` if the engine cannot answer it)."""
        item, explanation = KINDS[self.kind].build(self.spec, parameters)
        return Generated(self.id, self.module, dict(parameters), item, explanation)

    def draw(self, rng: random.Random | None = None) -> Generated:
        """A fresh item: one choice per parameter, drawn by ``rng``."""
        rng = rng or random.Random()
        return self.build({name: rng.choice(options) for name, options in self.choices().items()})

    def every_draw(self) -> Iterator[dict[str, Any]]:
        choices = self.choices()
        for combination in itertools.product(*choices.values()):
            yield dict(zip(choices, combination))


class TemplateFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    templates: tuple[Template, ...] = Field(min_length=1)


def _check_shape(template: Template, kb: knowledge.KnowledgeBase) -> None:
    generator = KINDS[template.kind]
    if template.ask not in generator.ASKS:
        raise _Fault("ask", f"a {template.kind} template asks one of {', '.join(generator.ASKS)}, got '{template.ask}'")
    if set(template.parameters) != set(generator.PARAMETERS):
        raise _Fault("parameters", f"a {template.kind} template draws exactly {', '.join(generator.PARAMETERS)}")
    if template.competency not in kb.competencies:
        raise _Fault("competency", f"unknown competency '{template.competency}'")
    if template.module not in kb.competencies[template.competency].modules:
        raise _Fault("module", f"competency '{template.competency}' does not list module {template.module}")
    for position, source in enumerate(template.sources):
        if source not in kb.sources:
            raise _Fault(f"sources[{position}]", f"unknown source '{source}'")
    sizes = [len(options) for options in template.choices().values()]
    if 0 in sizes:
        raise _Fault("parameters", "every parameter needs at least one choice")
    if (space := math.prod(sizes)) > MAX_DRAWS:
        raise _Fault("parameters", f"{space} possible draws: at most {MAX_DRAWS}, so that every draw is checked")


def check_template(template: Template, kb: knowledge.KnowledgeBase) -> None:
    """Raise ``_Fault`` for the first problem, drawing every combination of choices once."""
    _check_shape(template, kb)
    for parameters in template.every_draw():
        try:
            item = template.build(parameters).item
        except Ambiguous as error:
            raise _Fault("parameters", f"the draw {parameters} is ambiguous: {error}") from None
        except (ValueError, KeyError) as error:
            raise _Fault("parameters", f"the engine cannot answer the draw {parameters}: {error}") from None
        try:
            check_item(item, kb)
        except _Fault as fault:
            raise _Fault("parameters",
                         f"the draw {parameters} makes a bad item ({fault.field}: {fault.message})") from None


def parse(path: Path) -> tuple[Template, ...]:
    """Read and validate one template file; :class:`TemplateError` names file, template and field."""
    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise TemplateError(name, "", "", f"cannot be read as YAML: {error}") from None
    try:
        parsed = TemplateFile.model_validate(raw)
    except ValidationError as error:
        raise validation_error(name, raw, error, TemplateError) from None
    kb = knowledge.load()
    for template in parsed.templates:
        try:
            check_template(template, kb)
        except _Fault as fault:
            raise TemplateError(name, template.id, fault.field, fault.message) from None
    return parsed.templates


@functools.cache
def _cached(folder: Path, stamp: tuple[tuple[str, float], ...]) -> tuple[Template, ...]:
    templates = tuple(t for path in sorted(folder.glob("*.yaml")) for t in parse(path))
    seen: set[str] = set()
    for template in templates:
        if template.id in seen:
            raise TemplateError(folder.name, template.id, "id", "duplicate template ID")
        seen.add(template.id)
    return templates


def load(folder: Path = TEMPLATES) -> tuple[Template, ...]:
    """Every template in ``folder``, validated (once per process while the files are unchanged)."""
    stamp = tuple((p.name, p.stat().st_mtime) for p in sorted(folder.glob("*.yaml")))
    return _cached(folder, stamp)


def by_id(folder: Path = TEMPLATES) -> dict[str, Template]:
    return {template.id: template for template in load(folder)}
