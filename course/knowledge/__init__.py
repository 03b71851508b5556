"""The knowledge base: every fact of the course, once, with its sources.

``load()`` reads the YAML files in ``course/knowledge/data`` (or a folder you
give), validates their shape, their cross-references and their provenance (a seed
is cited only with its verbatim ``quote``; a ``course_policy`` entry gives its
``reason``), and returns a frozen :class:`KnowledgeBase`. Any malformed or inconsistent file raises
:class:`KnowledgeError` naming the file, the entry and the field. The default
knowledge base is loaded once per process.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import yaml
from pydantic import ValidationError

from . import schema
from .consistency import check_refs, check_sources, unique_ids
from .errors import KnowledgeError, validation_error
from .provenance import label_problems, provenance_problems, role_problems
from .schema import LABEL_NAMES

__all__ = ["KnowledgeBase", "KnowledgeError", "load", "DATA_DIR", "LABEL_NAMES"]

DATA_DIR = Path(__file__).parent / "data"
T = TypeVar("T")


class Index(Mapping[str, T], Generic[T]):
    """Entries by ID, in file order; a missing ID names the collection."""

    def __init__(self, kind: str, items: Iterable[T]) -> None:
        self.kind = kind
        self._items = {item.id: item for item in items}  # type: ignore[attr-defined]

    def __getitem__(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError:
            raise KeyError(f"unknown {self.kind} '{key}' (known: {', '.join(self._items)})") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class KnowledgeBase:
    directory: Path
    sources: Index[schema.Source]
    areas: Index[schema.Area]
    depth_techniques: Index[schema.DepthTechnique]
    techniques: schema.TechniquesFile
    roles: Index[schema.Entry]
    ingredients: Index[schema.Ingredient]
    unnamed_contents: tuple[schema.Fact, ...]
    indications: Index[schema.Indication]
    not_a_substitute_for: tuple[schema.Fact, ...]
    protocols: Index[schema.Protocol]
    unscheduled_claims: tuple[schema.Fact, ...]
    care: schema.CareFile
    screening: schema.ScreeningFile
    complications: schema.ComplicationsFile
    disputes: schema.DisputesFile
    competencies: Index[schema.Competency]
    consultation: schema.ConsultationFile
    certification: schema.CertificationFile
    # every file's validated content by file name (for checks that walk all of them)
    files: Mapping[str, schema.Model]

    def cite(self, source_ids: Iterable[str]) -> str:
        """Short citation text for source IDs, e.g. for a notebook footnote."""
        parts = []
        for source_id in source_ids:
            source = self.sources[source_id]
            parts.append(f"seed {source.file[:3]}" if source.kind == "seed" and source.file else source.title)
        return "; ".join(parts)

    def entries(self, ref: str) -> list[Any]:
        """The entries a citation ``FILE.SECTION`` (all of them) or ``FILE.SECTION.ID`` (one) names;
        KeyError saying what is unknown."""
        file, _, rest = ref.partition(".")
        section, _, entry = rest.partition(".")
        model = self.files.get(f"{file}.yaml")
        found = getattr(model, section, None) if model is not None and section else None
        if not isinstance(found, tuple):
            raise KeyError(f"'{ref}': no section '{section}' in {file}.yaml (FILE.SECTION[.ID])")
        if not entry:
            return list(found)
        chosen = [item for item in found if getattr(item, "id", None) == entry]
        if not chosen:
            raise KeyError(f"'{ref}': no entry '{entry}' in {file}.yaml {section}")
        return chosen

    def sentence(self, fact: schema.Fact) -> str:
        """A fact as plain text with its evidence label and sources, where no HTML is shown
        (quiz feedback, graded prompts): "<text> (<label>: <sources>)"."""
        return f"{fact.text} ({LABEL_NAMES[fact.label]}: {self.cite(fact.sources)})"


def _read(directory: Path, name: str) -> Any:
    path = directory / name
    if not path.is_file():
        raise KnowledgeError(name, "", "", f"file missing from {directory}")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise KnowledgeError(name, "", "", f"not UTF-8 text (in {directory})") from None
    except yaml.YAMLError as error:
        raise KnowledgeError(name, "", "", f"not valid YAML: {error}") from None


def _parse(directory: Path, name: str, model: type[schema.Model]) -> Any:
    raw = _read(directory, name)
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise validation_error(name, raw, error) from None


def _check(kb: KnowledgeBase, parsed: dict[str, Any]) -> None:
    known_sources = set(kb.sources)
    for name, content in parsed.items():
        if name != "sources.yaml":  # the bibliography itself
            check_sources(name, content, known_sources)
    for area in kb.areas.values():
        if area.parent:
            check_refs("areas.yaml", area.id, "parent", [area.parent], kb.areas, "area")
    for ingredient in kb.ingredients.values():
        check_refs("ingredients.yaml", ingredient.id, "roles", ingredient.roles, kb.roles, "role")
    for indication in kb.indications.values():
        check_refs("indications.yaml", indication.id, "areas", indication.areas, kb.areas, "area")
        check_refs("indications.yaml", indication.id, "roles", indication.roles, kb.roles, "role")
    for protocol in kb.protocols.values():
        check_refs("protocols.yaml", protocol.id, "area", [protocol.area], kb.areas, "area")
    _check_depth_scheme(kb)
    _check_screening(kb)
    _check_triage_windows(kb)
    _check_certification(kb)
    _check_provenance(kb, parsed)


def _check_provenance(kb: KnowledgeBase, parsed: dict[str, Any]) -> None:
    """A seed is cited only with its verbatim words; course policy says why; a statement
    carries the label of the sources it cites; an ingredient's role quote names it (the
    first problem is raised; ``tests/test_knowledge.py`` checks the words against the seeds)."""
    seeds = {source.id for source in kb.sources.values() if source.kind == "seed"}
    labels = {source.id: source.label for source in kb.sources.values()}
    for name, content in parsed.items():
        problems = provenance_problems(name, content, seeds)
        if name != "sources.yaml":  # the bibliography gives each source its label
            problems += label_problems(name, content, labels)
        if problems:
            raise problems[0]
    problems = [problem for ingredient in kb.ingredients.values() for problem in role_problems(ingredient)]
    if problems:
        raise problems[0]


def _check_depth_scheme(kb: KnowledgeBase) -> None:
    """The teaching scheme's ranges must follow each other without gaps or overlaps."""
    previous = None
    for technique in kb.depth_techniques.values():
        if previous is not None and technique.scheme.from_mm != previous.scheme.up_to_mm:
            raise KnowledgeError(
                "techniques.yaml", technique.id, "scheme.from_mm",
                f"must equal the previous technique's up_to_mm ({previous.scheme.up_to_mm})",
            )
        previous = technique


def _check_screening(kb: KnowledgeBase) -> None:
    s, file = kb.screening, "screening.yaml"
    decisions = [d.id for d in s.decisions]
    conditions = [c.id for c in s.conditions]
    medications = [m.id for m in s.medications]
    families = [f.id for f in s.families]
    for rule in s.rules:
        check_refs(file, rule.id, "decision", [rule.decision], decisions, "decision")
        check_refs(file, rule.id, "family", [rule.family], families, "rule family")
        when = rule.when
        if when.flag:
            check_refs(file, rule.id, "when.flag", [when.flag], s.flags, "flag")
        if when.condition:
            check_refs(file, rule.id, "when.condition", [when.condition], conditions, "condition")
        if when.medication:
            check_refs(file, rule.id, "when.medication.ids", when.medication.ids, medications, "medication")
        if when.ingredient_in_cocktail:
            test = when.ingredient_in_cocktail
            check_refs(file, rule.id, "when.ingredient_in_cocktail.ingredient", [test.ingredient], kb.ingredients,
                       "ingredient")
            check_refs(file, rule.id, "when.ingredient_in_cocktail.patient_any.flags", test.patient_any.flags, s.flags,
                       "flag")
            check_refs(file, rule.id, "when.ingredient_in_cocktail.patient_any.conditions", test.patient_any.conditions,
                       conditions, "condition")
        if when.any_in_cocktail:
            check_refs(file, rule.id, "when.any_in_cocktail", when.any_in_cocktail, kb.ingredients, "ingredient")
    _check_regulated_ingredients(kb)
    for position, exclusion in enumerate(s.exclusions.ingredients):
        field = f"exclusions.ingredients[{position}]"
        check_refs(file, exclusion.ingredient, f"{field}.ingredient", [exclusion.ingredient], kb.ingredients,
                   "ingredient")
        check_refs(file, exclusion.ingredient, f"{field}.patient_any.flags", exclusion.patient_any.flags, s.flags,
                   "flag")
        check_refs(file, exclusion.ingredient, f"{field}.patient_any.conditions", exclusion.patient_any.conditions,
                   conditions, "condition")


def _check_regulated_ingredients(kb: KnowledgeBase) -> None:
    """Screening and the cocktail check agree on regulated ingredients: a regulatory rule's
    ``any_in_cocktail`` names exactly the ingredients whose regulatory entries carry a status
    other than ``approved`` (a warning, a ban, no licence, prescription only)."""
    flagged = {i.id for i in kb.ingredients.values() if any(r.status != "approved" for r in i.regulatory)}
    named: set[str] = set()
    for rule in kb.screening.rules:
        if rule.label == "regulatory" and rule.when.any_in_cocktail:
            for ingredient in rule.when.any_in_cocktail:
                if ingredient not in flagged:
                    raise KnowledgeError("screening.yaml", rule.id, "when.any_in_cocktail",
                                         f"'{ingredient}' has no regulatory warning, ban or restriction in "
                                         "ingredients.yaml")
            named.update(rule.when.any_in_cocktail)
    for ingredient in sorted(flagged - named):
        raise KnowledgeError("ingredients.yaml", ingredient, "regulatory",
                             "a warning, ban or restriction that no regulatory screening rule applies (screening.yaml)")


def _check_triage_windows(kb: KnowledgeBase) -> None:
    """No reaction is expected or monitor on a day a late warning sign (an urgent reaction
    that starts after the day of the session) already covers: one answer per day."""
    late = [r for r in kb.complications.reactions if r.triage == "urgent" and r.days[0] > 0]
    for reaction in kb.complications.reactions:
        last = reaction.days[1]
        for sign in late:
            if last is not None and last >= sign.days[0]:
                raise KnowledgeError("complications.yaml", reaction.id, "days",
                                     f"{reaction.triage} up to day {last}, but from day {sign.days[0]} "
                                     f"'{sign.id}' is urgent: end the window before day {sign.days[0]}")


def _check_certification(kb: KnowledgeBase) -> None:
    """Observed procedures name known competencies; levels exist on the entrustment scale."""
    c, file = kb.certification, "certification.yaml"
    top = len(c.entrustment_scale)
    for procedure in c.observed_practice:
        check_refs(file, procedure.id, "competencies", procedure.competencies, kb.competencies, "competency")
        if procedure.min_level > top:
            raise KnowledgeError(file, procedure.id, "min_level",
                                 f"level {procedure.min_level} is not on the entrustment scale (1-{top})")
        for item in procedure.checklist:
            for ref in item.cites:
                try:
                    kb.entries(ref)
                except KeyError as error:
                    raise KnowledgeError(file, procedure.id, f"checklist.{item.id}.cites",
                                         str(error).strip('"')) from None
    seen: set[int] = set()
    for position, rule in enumerate(c.restrictions):
        field = f"restrictions[{position}].level"
        if rule.level > top:
            raise KnowledgeError(file, str(rule.level), field,
                                 f"level {rule.level} is not on the entrustment scale (1-{top})")
        if rule.level in seen:
            raise KnowledgeError(file, str(rule.level), field, f"level {rule.level} listed twice")
        seen.add(rule.level)


# (file, collection) pairs whose entries are looked up by ID
ID_COLLECTIONS = (
    ("sources.yaml", "sources"), ("areas.yaml", "areas"), ("techniques.yaml", "depth_techniques"),
    ("ingredients.yaml", "roles"), ("ingredients.yaml", "ingredients"), ("indications.yaml", "indications"),
    ("protocols.yaml", "protocols"), ("screening.yaml", "rules"), ("competencies.yaml", "competencies"),
    ("certification.yaml", "observed_practice"),
)


def load_from(directory: Path | str) -> KnowledgeBase:
    """Load and validate the knowledge base in ``directory`` (not cached)."""
    directory = Path(directory)
    parsed = {name: _parse(directory, name, model) for name, model in schema.FILES.items()}
    for name, collection in ID_COLLECTIONS:
        unique_ids(name, getattr(parsed[name], collection))
    techniques, ingredients = parsed["techniques.yaml"], parsed["ingredients.yaml"]
    indications, protocols = parsed["indications.yaml"], parsed["protocols.yaml"]
    kb = KnowledgeBase(
        directory=directory,
        sources=Index("source", parsed["sources.yaml"].sources),
        areas=Index("area", parsed["areas.yaml"].areas),
        depth_techniques=Index("technique", techniques.depth_techniques),
        techniques=techniques,
        roles=Index("role", ingredients.roles),
        ingredients=Index("ingredient", ingredients.ingredients),
        unnamed_contents=ingredients.unnamed_contents,
        indications=Index("indication", indications.indications),
        not_a_substitute_for=indications.not_a_substitute_for,
        protocols=Index("protocol", protocols.protocols),
        unscheduled_claims=protocols.unscheduled_claims,
        care=parsed["care.yaml"],
        screening=parsed["screening.yaml"],
        complications=parsed["complications.yaml"],
        disputes=parsed["disputes.yaml"],
        competencies=Index("competency", parsed["competencies.yaml"].competencies),
        consultation=parsed["consultation.yaml"],
        certification=parsed["certification.yaml"],
        files=MappingProxyType(parsed),
    )
    _check(kb, parsed)
    return kb


@functools.cache
def load() -> KnowledgeBase:
    """The course's own knowledge base, loaded and validated once per process."""
    return load_from(DATA_DIR)
