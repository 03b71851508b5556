"""The certification decision for one trainee, with every reason in plain words.

Certified only when all three hold (non-compensatory: a strong total hides nothing):
every assessed competency reaches its pass mark (its score is the sum of scores
over the grade cells tagged with it divided by the sum of their maximum scores);
every critical item earned full marks; and every observed procedure the framework
requires was seen often enough at the required entrustment level. Missing
submissions and ungraded cells count as 0, and the explanation says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from course.assignments.tags import CellTags
from course.dates import add_months
from course.knowledge.schema import CertificationFile, ObservedProcedure

from .gradebook import ItemKey, Trainee, TraineeScores
from .history import Observation
from .standard_setting import PassMark, item_label

CERTIFIED, NOT_YET = "certified", "not yet certified"
_ROUNDING = 1e-9  # scores are floats: a share equal to the mark up to rounding passes


def percent(share: float) -> str:
    """A share as a percentage with up to two decimals: 0.799 -> '79.9%', 0.8 -> '80%'."""
    return f"{share * 100:.2f}".rstrip("0").rstrip(".") + "%"


@dataclass(frozen=True)
class CompetencyResult:
    id: str
    name: str
    score: float
    max_score: float
    mark: PassMark

    @property
    def share(self) -> float:
        return self.score / self.max_score

    @property
    def passed(self) -> bool:
        return self.share >= self.mark.value - _ROUNDING


@dataclass(frozen=True)
class ProcedureResult:
    procedure: ObservedProcedure
    counted: tuple[Observation, ...]  # observations that count, highest level first
    excluded: tuple[str, ...]  # why other observations of it do not count

    @property
    def level_reached(self) -> int | None:
        """The level reached in at least ``count`` counted observations."""
        levels = [o.level for o in self.counted]
        return levels[self.procedure.count - 1] if len(levels) >= self.procedure.count else None

    @property
    def met(self) -> bool:
        return (self.level_reached or 0) >= self.procedure.min_level


@dataclass(frozen=True)
class Decision:
    trainee: Trainee
    on: date
    competencies: tuple[CompetencyResult, ...]
    critical_checked: int
    critical_failures: tuple[str, ...]
    procedures: tuple[ProcedureResult, ...]
    reasons: tuple[str, ...]  # what blocks certification; empty when certified
    explanation: tuple[str, ...]  # every line of the decision, blocking reasons first
    entrustment_level: int | None
    restrictions: tuple[str, ...]

    @property
    def certified(self) -> bool:
        return not self.reasons

    @property
    def outcome(self) -> str:
        return CERTIFIED if self.certified else NOT_YET

    def payload(self, **context: Any) -> dict[str, Any]:
        """The decision record: outcome, reasons and the evidence behind them."""
        t = self.trainee
        return {
            "trainee": t.id, "name": t.name, "first_name": t.first_name, "last_name": t.last_name,
            "email": t.email, "lms_user_id": t.lms_user_id, "date": self.on.isoformat(),
            "outcome": self.outcome, "reasons": list(self.reasons), "explanation": list(self.explanation),
            "competencies": {
                c.id: {"name": c.name, "score": c.score, "max_score": c.max_score, "share": c.share,
                       "pass_mark": c.mark.value, "mark_source": c.mark.source, "passed": c.passed}
                for c in self.competencies
            },
            "critical_items": {"checked": self.critical_checked, "failed": list(self.critical_failures)},
            "observed_practice": {
                p.procedure.id: {"required": p.procedure.count, "min_level": p.procedure.min_level,
                                 "level_reached": p.level_reached, "met": p.met,
                                 "observation_records": [o.seq for o in p.counted]}
                for p in self.procedures
            },
            "entrustment_level": self.entrustment_level, "restrictions": list(self.restrictions),
            **context,
        }


def _item_scores(items: Mapping[ItemKey, CellTags], scores: TraineeScores) -> tuple[dict[ItemKey, float], list[str]]:
    """Each item's score (0 when missing or ungraded) and notes saying which were counted as 0."""
    counted: dict[ItemKey, float] = {}
    unsubmitted: dict[str, int] = {}
    ungraded: list[str] = []
    for key, tags in items.items():
        value = scores.scores.get(key)
        if tags.assignment not in scores.submitted:
            unsubmitted[tags.assignment] = unsubmitted.get(tags.assignment, 0) + 1
        elif value is None:
            ungraded.append(item_label(key))
        counted[key] = value or 0.0
    notes = [f"No submission for assignment '{a}': its {n} graded item(s) count as 0." for a, n in unsubmitted.items()]
    if ungraded:
        notes.append(f"Not graded yet, counted as 0: {', '.join(ungraded)}.")
    return counted, notes


def _competency_results(items: Mapping[ItemKey, CellTags], counted: Mapping[ItemKey, float],
                        names: Mapping[str, str], marks: Mapping[str, PassMark]) -> tuple[CompetencyResult, ...]:
    """Score over max score per competency, in knowledge-base order; a cell counts for each of its tags."""
    totals: dict[str, list[float]] = {}
    for key, tags in items.items():
        for competency in tags.competencies:
            sums = totals.setdefault(competency, [0.0, 0.0])
            sums[0] += counted[key]
            sums[1] += tags.max_score
    return tuple(
        CompetencyResult(cid, names[cid], totals[cid][0], totals[cid][1], marks[cid])
        for cid in names if cid in totals and totals[cid][1] > 0
    )


def competency_results(items: Mapping[ItemKey, CellTags], scores: TraineeScores, marks: Mapping[str, PassMark],
                       names: Mapping[str, str]) -> tuple[CompetencyResult, ...]:
    """One trainee's result per competency in their graded work, counted exactly as a decision counts it
    (missing submissions and ungraded cells as 0): what the clinic's refresh list reads between decisions."""
    counted, _ = _item_scores(items, scores)
    return _competency_results(items, counted, names, marks)


def _critical_failures(items: Mapping[ItemKey, CellTags], counted: Mapping[ItemKey, float]) -> tuple[int, list[str]]:
    """(number of critical items, one line per critical item without full marks)."""
    critical = [(key, tags) for key, tags in items.items() if tags.critical]
    failures = [
        f"Critical item {item_label(key)} ({', '.join(tags.competencies) or 'no competency'}) earned "
        f"{counted[key]:g} of {tags.max_score:g} marks: a critical item needs full marks, and one "
        "failure blocks certification whatever the total."
        for key, tags in critical if counted[key] < tags.max_score
    ]
    return len(critical), failures


def _procedure_result(procedure: ObservedProcedure, observations: Sequence[Observation], on: date,
                      max_age_months: int, fresh_since: date | None, authenticated_only: bool) -> ProcedureResult:
    """Which observations of one procedure count on day ``on``, and why the others do not."""
    oldest = add_months(on, -max_age_months)
    counted, excluded = [], []
    for o in observations:
        if o.procedure != procedure.id:
            continue
        if o.day > on:
            excluded.append(f"record {o.seq} is dated {o.day}, after the decision date")
        elif o.day < oldest:
            excluded.append(f"record {o.seq} ({o.day}) is more than {max_age_months} months old")
        elif fresh_since is not None and o.day <= fresh_since:
            excluded.append(f"record {o.seq} ({o.day}) predates the previous certificate or revocation ({fresh_since})")
        elif authenticated_only and not o.authenticated:
            excluded.append(f"record {o.seq} ({o.day}) is self-reported or its signature does not verify; only "
                            "observations an assessor signed on the course server count")
        else:
            counted.append(o)
    counted.sort(key=lambda o: (-o.level, o.day))
    return ProcedureResult(procedure, tuple(counted), tuple(excluded))


def _procedure_reason(result: ProcedureResult, framework: CertificationFile) -> str:
    p = result.procedure
    need = (f"Observed practice '{p.id}' ({p.name}) needs {p.count} observation(s) at entrustment level "
            f"{p.min_level} ({framework.level_name(p.min_level)}) or higher")
    if result.counted:
        seen = "; ".join(f"{o.day} level {o.level} by {o.assessor}" for o in result.counted)
        found = f"counted {sum(o.level >= p.min_level for o in result.counted)} at that level ({seen})"
    else:
        found = "no observation counts"
    excluded = f"; not counted: {'; '.join(result.excluded)}" if result.excluded else ""
    return f"{need}; {found}{excluded}."


def decide(trainee: Trainee, items: Mapping[ItemKey, CellTags], scores: TraineeScores,
           marks: Mapping[str, PassMark], names: Mapping[str, str], observations: Sequence[Observation],
           framework: CertificationFile, on: date, fresh_since: date | None = None,
           exam_refusals: Sequence[str] = (), exam_notes: Sequence[str] = ()) -> Decision:
    """Decide one trainee on day ``on``. ``fresh_since``: observations must postdate it (recertification).
    ``exam_refusals``: exam results refused (handed in outside an exam session, :mod:`.exam_sessions`),
    each blocking; ``exam_notes``: how the other exam results were counted."""
    counted, notes = _item_scores(items, scores)
    competencies = _competency_results(items, counted, names, marks)
    checked, critical_failures = _critical_failures(items, counted)
    max_age = framework.recertification.observations_max_age_months
    procedures = tuple(_procedure_result(p, observations, on, max_age, fresh_since,
                                         framework.authenticated_observations_only)
                       for p in framework.observed_practice)
    reasons = [
        f"Competency '{c.id}' ({c.name}): {c.score:g} of {c.max_score:g} marks ({percent(c.share)}), "
        f"below its pass mark of {percent(c.mark.value)} ({c.mark.source}); marks elsewhere do not make up for it."
        for c in competencies if not c.passed
    ]
    reasons += critical_failures
    reasons += [_procedure_reason(p, framework) for p in procedures if not p.met]
    reasons += exam_refusals
    level = None if reasons else min(p.level_reached or 0 for p in procedures)
    restrictions = framework.restrictions_for(level) if level else ()
    explanation = reasons if reasons else _certified_lines(  # no reason: every procedure met, so a level
        competencies, checked, procedures, cast(int, level), restrictions, framework)
    return Decision(trainee, on, competencies, checked, tuple(critical_failures), procedures,
                    tuple(reasons), tuple([*explanation, *exam_notes, *notes]), level, restrictions)


def _certified_lines(competencies: Sequence[CompetencyResult], checked: int, procedures: Sequence[ProcedureResult],
                     level: int, restrictions: Sequence[str], framework: CertificationFile) -> list[str]:
    """Why a positive decision is positive, one line per requirement."""
    return [
        "Every assessed competency reaches its pass mark: " + ", ".join(
            f"{c.id} {percent(c.share)} (mark {percent(c.mark.value)})" for c in competencies) + ".",
        f"No critical item failed ({checked} critical item(s) checked).",
        "Observed practice complete: " + ", ".join(
            f"{p.procedure.id} at level {p.level_reached} in {p.procedure.count} observation(s)"
            for p in procedures) + ".",
        f"Entrustment level {level} ({framework.level_name(level)}), the lowest over the observed procedures; "
        + (f"restrictions: {'; '.join(restrictions)}." if restrictions else "no restrictions."),
    ]
