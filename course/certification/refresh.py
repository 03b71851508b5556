"""Which competencies a clinic's staff should refresh first: per staff member, and for the clinic.

A trainee's result per competency is the certification layer's own computation
(:func:`.decide.competency_results`): from their graded work in the course's
gradebook when they have submitted any (against today's pass marks, an Angoff cut
included), else as their latest certification decision recorded it. Self-check
attempts (``expiring --attempts``) live in the trainees' own folders and are not
read here. A staff member's list holds every competency below its pass mark; one who
passes them all gets their weakest (the smallest margin above its mark). Rows are
ordered by how far below the mark, then by the soonest certificate end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from course.coursedir import Course
from course.errors import MesocourseError
from course.knowledge import load

from .chain import Record
from .decide import CompetencyResult, competency_results
from .gradebook import read_cohort
from .items import course_items
from .registry import DECISION, STANDARD_SET
from .standard_setting import PassMark, course_pass_marks
from .standing import Standing

GRADED_WORK = "graded work in the course's gradebook"
NO_END = "9999-12-31"  # sorts a trainee without a certificate after every certificate's end


@dataclass(frozen=True)
class Evidence:
    """One trainee's results per competency, and where they come from (in plain words)."""

    results: tuple[CompetencyResult, ...]
    source: str


def graded_work(course: Course, records: Sequence[Record]) -> dict[str, Evidence]:
    """The results of each trainee of the course's gradebook who submitted anything, scored as
    ``certify`` scores them today (with the registry's latest Angoff cut, if any)."""
    kb = load()
    items = course_items(course, kb.competencies)
    cohort = read_cohort(course)
    standard = next((r for r in reversed(records) if r.kind == STANDARD_SET), None)
    marks = course_pass_marks(kb.competencies, standard)
    names = {cid: competency.name for cid, competency in kb.competencies.items()}
    return {trainee.id: Evidence(competency_results(items, cohort.scores[trainee.id], marks, names), GRADED_WORK)
            for trainee in cohort.trainees if cohort.scores[trainee.id].submitted}


def decided(records: Sequence[Record]) -> dict[str, Evidence]:
    """Each trainee's results as their latest certification decision recorded them."""
    latest = {r.trainee: r for r in records if r.kind == DECISION and r.trainee}
    return {trainee: Evidence(tuple(
        CompetencyResult(cid, c["name"], c["score"], c["max_score"], PassMark(c["pass_mark"], c["mark_source"]))
        for cid, c in record.data["competencies"].items()),
        f"certification decision of {record.data['date']} (registry record {record.seq})")
        for trainee, record in latest.items()}


def staff_evidence(course: Course, records: Sequence[Record]) -> tuple[dict[str, Evidence], str]:
    """Graded work where there is some, else the latest decision; with why the gradebook could
    not be read ("" when it was), so a page can say its figures come from decisions only."""
    evidence = decided(records)
    try:
        evidence.update(graded_work(course, records))
    except MesocourseError as error:
        return evidence, str(error)
    return evidence, ""


@dataclass(frozen=True)
class Refresh:
    """One competency one staff member should refresh."""

    standing: Standing
    result: CompetencyResult
    source: str

    @property
    def shortfall(self) -> float:
        """How far the share is below the pass mark (negative: above it), rounded so that equal gaps
        compare equal whatever the float arithmetic (0.8 - 0.5 and 0.7 - 0.4)."""
        return round(self.result.mark.value - self.result.share, 9)

    @property
    def ends(self) -> str:
        """The day the member's certificate ends (ISO), or ``NO_END``."""
        return self.standing.until or NO_END


def refresh_first(rows: Sequence[Standing], evidence: Mapping[str, Evidence]) -> list[Refresh]:
    """Every competency below its mark for each of ``rows`` (or their weakest when none is),
    furthest below first, then soonest certificate end; staff without results are left out."""
    chosen = []
    for row in rows:
        found = evidence.get(row.trainee)
        if found is None or not found.results:
            continue
        below = [result for result in found.results if not result.passed]
        picks = below or [min(found.results, key=lambda result: result.share - result.mark.value)]
        chosen += [Refresh(row, result, found.source) for result in picks]
    return sorted(chosen, key=lambda r: (-r.shortfall, r.ends, r.standing.trainee, r.result.id))


@dataclass(frozen=True)
class ClinicRefresh:
    """One competency for the clinic as a whole: the staff members who should refresh it."""

    competency: str
    name: str
    staff: tuple[Refresh, ...]  # furthest below first

    @property
    def below(self) -> tuple[Refresh, ...]:
        return tuple(r for r in self.staff if not r.result.passed)

    @property
    def shortfall(self) -> float:
        return max(r.shortfall for r in self.staff)

    @property
    def ends(self) -> str:
        return min(r.ends for r in self.staff)


def clinic_refresh(refreshes: Sequence[Refresh]) -> list[ClinicRefresh]:
    """The competencies of ``refreshes`` (as :func:`refresh_first` orders them), each with its staff,
    ordered by how far below the mark its furthest member is, then by the soonest certificate end."""
    grouped: dict[str, list[Refresh]] = {}
    for refresh in refreshes:
        grouped.setdefault(refresh.result.id, []).append(refresh)
    competencies = [ClinicRefresh(cid, staff[0].result.name, tuple(staff)) for cid, staff in grouped.items()]
    return sorted(competencies, key=lambda c: (-c.shortfall, c.ends, c.competency))
