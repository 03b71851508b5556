"""The shape of every knowledge-base file, as pydantic models.

Each model forbids unknown fields, so a typo in a YAML key is an error rather than
a silently ignored fact. Cross-file consistency (unknown IDs, sources) is checked
in ``course.knowledge.consistency``; this module only describes single entries.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

Label = Literal["seed_claim", "practice_guidance", "published_study", "regulatory", "course_policy"]
LABEL_NAMES: dict[str, str] = {
    "seed_claim": "seed claim",
    "practice_guidance": "practice guidance",
    "published_study": "published study",
    "regulatory": "regulatory",
    "course_policy": "course policy",
}
Sources = tuple[str, ...]
# Verbatim text from a cited seed: one string or a list of them, `[...]` marking an
# elision. Stored as a tuple. ``provenance.provenance_problems`` requires one wherever a
# seed is cited (enforced on load); ``provenance.quote_problems`` checks each against
# the seed files (tests, ``mesocourse check-knowledge --seeds``).
Quote = Annotated[tuple[str, ...], BeforeValidator(lambda value: (value,) if isinstance(value, str) else value)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(Model):
    """Provenance every sourced entry carries besides its ``sources`` and ``label``.

    ``quote``: the seed's own words, required when a seed is cited. ``reason``: why the
    course adds this itself, required when the label is ``course_policy``.
    """

    quote: Quote = ()
    reason: str = ""


class Fact(Cited):
    """A sourced statement: the unit every notebook and quiz quotes."""

    text: str
    sources: Sources = Field(min_length=1)
    label: Label


class Entry(Fact):
    id: str
    name: str = ""


def _ordered_pair(pair: tuple[float, float] | None, what: str) -> None:
    if pair is not None and not (0 <= pair[0] <= pair[1]):
        raise ValueError(f"{what} must be [low, high] with 0 <= low <= high, got {list(pair)}")


# --- sources -----------------------------------------------------------------
class Source(Model):
    id: str
    kind: Literal["seed", "reference"]
    label: Label
    title: str
    file: str | None = None
    citation: str | None = None

    @model_validator(mode="after")
    def _seed_has_file(self) -> "Source":
        if self.kind == "seed" and not self.file:
            raise ValueError("a seed source needs `file` (its name in shared/seeds)")
        return self


class SourcesFile(Model):
    sources: tuple[Source, ...]


# --- areas and depth ---------------------------------------------------------
LayerName = Literal["epidermis", "dermis", "epidermis_plus_dermis", "subcutaneous_fat"]


class LayerFigure(Cited):
    range_mm: tuple[float, float] | None = None
    no_reliable_figure: str | None = None
    sources: Sources = Field(min_length=1)
    label: Label
    note: str = ""

    @model_validator(mode="after")
    def _figure_or_reason(self) -> "LayerFigure":
        if (self.range_mm is None) == (self.no_reliable_figure is None):
            raise ValueError("give exactly one of `range_mm` and `no_reliable_figure`")
        _ordered_pair(self.range_mm, "range_mm")
        if self.range_mm is not None and self.range_mm[1] <= 0:
            raise ValueError("range_mm must be above 0 mm")
        return self


class Area(Cited):
    """A body area and its layer figures. A finer site (``parent``) takes its parent's
    figures and ``below_the_fat`` except those it states itself. ``below_the_fat`` is what
    lies under the area's subcutaneous fat and why a tip there is never a target: the
    course shows it wherever a tip on the area may be "deeper"."""

    id: str
    name: str
    parent: str | None = None
    layers: dict[LayerName, LayerFigure] = {}
    no_reliable_figure: str | None = None
    sources: Sources = ()
    notes: tuple[Fact, ...] = ()
    below_the_fat: Fact | None = None

    @model_validator(mode="after")
    def _figures_or_reason(self) -> "Area":
        if not self.layers and not self.parent and not self.no_reliable_figure:
            raise ValueError("an area needs `layers`, a `parent`, or `no_reliable_figure`")
        if self.layers and self.no_reliable_figure:
            raise ValueError("an area has either `layers` or `no_reliable_figure`, not both")
        if "dermis" in self.layers and "epidermis_plus_dermis" in self.layers:
            raise ValueError("give `dermis` or `epidermis_plus_dermis`, not both")
        return self


class AreasFile(Model):
    areas: tuple[Area, ...]


class DepthRange(Cited):
    from_mm: float = Field(ge=0)
    up_to_mm: float = Field(gt=0)
    up_to_inclusive: bool = True
    sources: Sources = Field(min_length=1)
    label: Label
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> "DepthRange":
        if self.from_mm >= self.up_to_mm:
            raise ValueError(f"from_mm ({self.from_mm}) must be below up_to_mm ({self.up_to_mm})")
        return self


class SourceValue(Cited):
    source: str
    text: str
    label: Label
    disagrees: bool = False


class DepthTechnique(Model):
    """A level of the teaching scheme. ``name_suggests`` is the layer its name points to
    (e.g. "intradermal": the dermis), which the course compares with the layers a tip at
    that depth can really be in on an area: a technique's name is not a layer."""

    id: str
    name: str
    name_suggests: Literal["epidermis", "dermis", "hypodermis"]
    scheme: DepthRange
    other_values: tuple[SourceValue, ...] = ()


class Step(Fact):
    id: str


class TechniquesFile(Model):
    depth_techniques: tuple[DepthTechnique, ...]
    methods: tuple[Entry, ...]
    devices: tuple[Entry, ...]
    needles_and_volumes: tuple[Fact, ...]
    session_steps: tuple[Step, ...]
    cocktail_types: tuple[Entry, ...]


# --- ingredients and indications ---------------------------------------------
class Regulation(Fact):
    # prescription_only: a medicine only a prescriber may decide on (not a cosmetic ingredient)
    status: Literal["approved", "unapproved", "banned", "warning", "prescription_only"]
    jurisdiction: str


class Ingredient(Model):
    id: str
    name: str
    # other words the seeds use for it ("vitamins" for the vitamin complex): a role quote
    # must name the ingredient (``provenance.role_problems``)
    named_as: tuple[str, ...] = ()
    roles: tuple[str, ...]
    role_sources: Sources = Field(min_length=1)
    role_quote: Quote = ()  # the seed's words for the roles, when role_sources cites a seed
    evidence: tuple[Fact, ...] = Field(min_length=1)
    cautions: tuple[Fact, ...] = ()
    regulatory: tuple[Regulation, ...] = ()


class IngredientsFile(Model):
    roles: tuple[Entry, ...]
    ingredients: tuple[Ingredient, ...]
    # What the seeds put in cocktails without naming it (hormones, "medicines"): what the
    # course knows about it and what it does not.
    unnamed_contents: tuple[Fact, ...] = ()


class Indication(Cited):
    """An indication the sources claim, for some areas. ``roles`` are the ingredient roles a
    cocktail for it is expected to cover; ``roles_basis`` says where that pairing comes
    from (no seed prescribes one: it is the course's, built from what the seeds link)."""

    id: str
    name: str
    areas: tuple[str, ...] = Field(min_length=1)
    roles: tuple[str, ...]
    roles_basis: Fact | None = None
    sources: Sources = Field(min_length=1)
    label: Label
    evidence: tuple[Fact, ...] = ()

    @model_validator(mode="after")
    def _roles_have_a_basis(self) -> "Indication":
        if self.roles and self.roles_basis is None:
            raise ValueError("an indication with `roles` needs `roles_basis` (where the pairing comes from)")
        return self


class IndicationsFile(Model):
    indications: tuple[Indication, ...]
    not_a_substitute_for: tuple[Fact, ...]


# --- protocols and care ------------------------------------------------------
class Phase(Model):
    sessions: tuple[int, int] | None = None
    interval_days: tuple[int, int] | None = None
    span_days: tuple[int, int] | None = None
    period_months: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> "Phase":
        for name in ("sessions", "interval_days", "span_days"):
            _ordered_pair(getattr(self, name), name)
        if self.sessions is not None and self.sessions[0] < 1:
            raise ValueError("sessions must be at least 1")
        if self.interval_days is None and self.span_days is None:
            raise ValueError("a phase needs `interval_days` or `span_days`")
        if self.span_days is not None and self.sessions is None:
            raise ValueError("`span_days` needs `sessions`")
        if self.sessions is None and self.period_months is None:
            raise ValueError("a phase needs `sessions` or `period_months`")
        return self


class Maintenance(Model):
    every_months: tuple[int, int] | None = None
    times_per_year: tuple[int, int] | None = None

    @model_validator(mode="after")
    def _one(self) -> "Maintenance":
        if (self.every_months is None) == (self.times_per_year is None):
            raise ValueError("give exactly one of `every_months` and `times_per_year`")
        _ordered_pair(self.every_months, "every_months")
        _ordered_pair(self.times_per_year, "times_per_year")
        return self


class Protocol(Cited):
    id: str
    name: str
    area: str
    sources: Sources = Field(min_length=1)
    label: Label
    session_minutes: str = ""
    note: str = ""
    phases: tuple[Phase, ...] = Field(min_length=1)
    maintenance: Maintenance

    @field_validator("phases")
    @classmethod
    def _variable_phase_last(cls, phases: tuple[Phase, ...]) -> tuple[Phase, ...]:
        for phase in phases[:-1]:
            if phase.sessions is None or phase.sessions[0] != phase.sessions[1]:
                raise ValueError("only the last phase may have a variable number of sessions")
        return phases


class ProtocolsFile(Model):
    protocols: tuple[Protocol, ...]
    unscheduled_claims: tuple[Fact, ...] = ()


class PreTreatmentStep(Step):
    days_before: int | None = Field(default=None, ge=0)


class CareFile(Model):
    pre_treatment: tuple[PreTreatmentStep, ...]
    aftercare: tuple[Step, ...]


# --- screening ---------------------------------------------------------------
class PatientAny(Model):
    flags: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()


class MedicationTest(Model):
    """An entry of these medication IDs, prescribed or not (or ``any``), last dose fewer than
    ``within_days`` days ago; without ``within_days``, whatever the last dose. ``current``
    keeps only the entries still (true) or no longer (false) taken; without it, either."""

    ids: tuple[str, ...] = Field(min_length=1)
    prescribed: bool | Literal["any"]
    within_days: int | None = Field(default=None, gt=0)
    current: bool | None = None


class IngredientTest(Model):
    ingredient: str
    patient_any: PatientAny


class When(Model):
    flag: str | None = None
    condition: str | None = None
    medication: MedicationTest | None = None
    allergy_in_cocktail: Literal[True] | None = None
    ingredient_in_cocktail: IngredientTest | None = None
    # any of these ingredients is in the cocktail, whoever the patient (e.g. a regulator's warning)
    any_in_cocktail: tuple[str, ...] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _exactly_one(self) -> "When":
        if sum(value is not None for value in self.__dict__.values()) != 1:
            raise ValueError("`when` takes exactly one test")
        return self


class Rule(Cited):
    id: str
    family: str  # the rule family a graded case tests (ScreeningFile.families)
    when: When
    decision: str
    explanation: str
    sources: Sources = Field(min_length=1)
    label: Label
    # The days left until the medication window closes are reported (screen's wait_days).
    reports_wait: bool = False
    # The cocktail ingredients that fire an `any_in_cocktail` test join excluded_ingredients.
    excludes_matched: bool = False

    @model_validator(mode="after")
    def _wait_needs_medication(self) -> "Rule":
        medication = self.when.medication
        if self.reports_wait and (medication is None or medication.within_days is None or self.decision != "defer"):
            raise ValueError("`reports_wait` is only for a `defer` rule with a `medication` test with `within_days`")
        if self.excludes_matched and self.when.any_in_cocktail is None:
            raise ValueError("`excludes_matched` is only for a rule with an `any_in_cocktail` test")
        return self


class Named(Model):
    id: str
    name: str = ""
    text: str = ""


class Exclusion(Cited):
    ingredient: str
    patient_any: PatientAny
    sources: Sources = Field(min_length=1)
    label: Label


class Exclusions(Model):
    allergens: bool
    ingredients: tuple[Exclusion, ...] = ()


class ScreeningFile(Model):
    decisions: tuple[Named, ...]
    flags: tuple[str, ...]
    conditions: tuple[Named, ...]
    medications: tuple[Named, ...]
    families: tuple[Named, ...]
    rules: tuple[Rule, ...]
    exclusions: Exclusions
    other_contraindications: tuple[Fact, ...] = ()


# --- complications, disputes, competencies, consultation --------------------
class Reaction(Entry):
    """A reaction a patient may report after a session, with the course's triage level.

    ``days``: the days after a session (0 = the day of the session) on which a report of
    the reaction gets ``triage``, as ``[first, last]``; ``last`` is null for a warning
    sign, urgent whenever it appears. Triage items and quiz stems state the day a
    reaction began, and it must fall in this window (``course.triage.triage_on``).
    """

    triage: Literal["expected", "monitor", "urgent"]
    days: tuple[int, int | None]

    @model_validator(mode="after")
    def _window(self) -> "Reaction":
        first, last = self.days
        if first < 0 or (last is not None and last < first):
            raise ValueError(f"days must be [first, last] with 0 <= first <= last (or last null), "
                             f"got {list(self.days)}")
        if (self.triage == "urgent") != (last is None):
            raise ValueError("an urgent reaction is urgent whenever it appears (days: [first, null]); "
                             "an expected or monitor reaction gets its level only within a closed window [first, last]")
        return self


class Outbreak(Cited):
    id: str
    place: str
    years: str
    cases: str
    organism: str
    cause: str
    lesson: str
    sources: Sources = Field(min_length=1)
    label: Label


class ComplicationsFile(Model):
    # What each triage level asks the practitioner to do (module 08), in triage order.
    triage_levels: tuple[Named, ...] = ()
    # Why each reaction has its level: the triage is the course's decision (course policy).
    triage_basis: Fact | None = None
    reactions: tuple[Reaction, ...]
    safety_facts: tuple[Fact, ...]
    hygiene: tuple[Fact, ...]
    outbreaks: tuple[Outbreak, ...]

    @model_validator(mode="after")
    def _levels_cover_reactions(self) -> "ComplicationsFile":
        levels = {level.id for level in self.triage_levels}
        missing = sorted({r.triage for r in self.reactions} - levels) if levels else []
        if missing:
            raise ValueError(f"triage_levels lacks {', '.join(missing)}, used by reactions")
        return self


class Position(Cited):
    source: str
    value: str
    label: Label


class Dispute(Model):
    id: str
    question: str
    positions: tuple[Position, ...] = Field(min_length=2)
    verdict: Fact


class DisputesFile(Model):
    history: tuple[Fact, ...]
    disputes: tuple[Dispute, ...]
    evidence_statements: tuple[Fact, ...]


class Competency(Model):
    id: str
    name: str
    modules: tuple[str, ...]
    pass_mark: float = Field(gt=0, le=1)


class CompetenciesFile(Model):
    competencies: tuple[Competency, ...]
    sources: Sources = Field(min_length=1)


class ConsultationFile(Model):
    expectations: tuple[Fact, ...]
    tell_the_patient: tuple[Fact, ...]
    record: tuple[Fact, ...]


# --- certification -----------------------------------------------------------
class Recertification(Model):
    window_days: int = Field(gt=0)
    observations_max_age_months: int = Field(gt=0)
    text: str


class EntrustmentLevel(Model):
    level: int = Field(ge=1)
    name: str
    text: str


class ChecklistItem(Model):
    """One line of an observation form: what the assessor checks, citing the entries that teach it
    (``FILE.SECTION`` or ``FILE.SECTION.ID``, e.g. ``techniques.session_steps.consent``)."""

    id: str
    prompt: str
    cites: tuple[str, ...] = Field(min_length=1)


class ObservedProcedure(Model):
    """A procedure certification needs: ``count`` observations at ``min_level`` or higher; the
    assessor's form (DOPS-style) checks each ``checklist`` item, then rates on the entrustment scale."""

    id: str
    name: str
    competencies: tuple[str, ...] = Field(min_length=1)
    count: int = Field(ge=1)
    min_level: int = Field(ge=1)
    checklist: tuple[ChecklistItem, ...] = Field(min_length=1)


class LevelRestrictions(Model):
    level: int = Field(ge=1)
    restrictions: tuple[str, ...] = Field(min_length=1)


class CertificationFile(Model):
    validity_months: int = Field(gt=0)
    recertification: Recertification
    entrustment_scale: tuple[EntrustmentLevel, ...] = Field(min_length=1)
    observed_practice: tuple[ObservedProcedure, ...] = Field(min_length=1)
    authenticated_observations_only: bool = False  # count only observations signed on the course server
    restrictions: tuple[LevelRestrictions, ...] = ()
    basis: tuple[Fact, ...] = ()
    sources: Sources = Field(min_length=1)

    @field_validator("entrustment_scale")
    @classmethod
    def _scale_counts_from_one(cls, scale: tuple[EntrustmentLevel, ...]) -> tuple[EntrustmentLevel, ...]:
        levels = [entry.level for entry in scale]
        if levels != list(range(1, len(levels) + 1)):
            raise ValueError(f"levels must be 1, 2, 3, ... in order, got {levels}")
        return scale

    def level_name(self, level: int) -> str:
        """The scale's name for an entrustment level, e.g. 3 -> 'indirect supervision'."""
        return self.entrustment_scale[level - 1].name

    def restrictions_for(self, level: int) -> tuple[str, ...]:
        """Restrictions a certificate at this entrustment level carries (none if unlisted)."""
        return next((rule.restrictions for rule in self.restrictions if rule.level == level), ())


# file name -> model of its content
FILES: dict[str, type[Model]] = {
    "sources.yaml": SourcesFile,
    "areas.yaml": AreasFile,
    "techniques.yaml": TechniquesFile,
    "ingredients.yaml": IngredientsFile,
    "indications.yaml": IndicationsFile,
    "protocols.yaml": ProtocolsFile,
    "care.yaml": CareFile,
    "screening.yaml": ScreeningFile,
    "complications.yaml": ComplicationsFile,
    "disputes.yaml": DisputesFile,
    "competencies.yaml": CompetenciesFile,
    "consultation.yaml": ConsultationFile,
    "certification.yaml": CertificationFile,
}
