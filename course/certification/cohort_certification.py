"""Certifying a cohort: :func:`certify_cohort`, one outcome per trainee of the gradebook.

Everything that can be refused is checked before the registry is touched: the
day, the course, its gradebook and tagged grade cells, the certificates folder
and the registry's hash chain. The gradebook is read in four set-based queries
(:mod:`course.gradebook_tables`) and the registry once (:class:`.bulk.RegistryView`);
each trainee is then decided inside one short locked registry transaction (catch
up on records appended since, decide, append the decision and any certificate),
so two instructors certifying at once neither lose records nor issue a trainee
two certificates. A trainee whose certificate is valid and not yet due for
recertification is left alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from course.assignments.tags import CellTags
from course.coursedir import Course
from course.knowledge import KnowledgeBase, load
from course.outputs import writable

from .bulk import RegistryView
from .certificates import certificate_payload, new_certificate_id
from .checkpoints import open_guarded
from .decide import decide
from .errors import CertificationError
from .gradebook import Cohort, ItemKey, Trainee, read_cohort
from .history import Certificate, latest_per_trainee, observations
from .issuing import course_issuer, publish_certificate, publish_revocations
from .items import course_items
from .keys import Issuer
from .registry import CERTIFICATE, DECISION, Registry, require_actor
from .standard_setting import course_pass_marks

NOT_DUE = "not due for recertification"


@dataclass(frozen=True)
class CertificationOutcome:
    """What certifying did for one trainee: the decision recorded, or nothing because not due."""

    trainee: Trainee
    outcome: str  # the decision's outcome ("certified", "not yet certified") or NOT_DUE
    record: int | None = None  # the decision's registry record
    explanation: tuple[str, ...] = ()
    certificate_id: str | None = None
    certificate_record: int | None = None
    files: tuple[Path, ...] = ()  # the certificate's PDF and HTML (and signed credential)
    held: Certificate | None = None  # the valid certificate of a trainee not due

    def lines(self) -> list[str]:
        """The outcome as the ``certify`` command prints it."""
        who = f"{self.trainee.id} ({self.trainee.name})"
        if self.held is not None:
            return [f"{who}: {NOT_DUE}; holds {self.held.id}, expires {self.held.expires}"]
        lines = [f"{who}: {self.outcome} [registry record {self.record}]",
                 *(f"  - {line}" for line in self.explanation)]
        if self.certificate_id:
            lines.append(f"  certificate {self.certificate_id} (record {self.certificate_record}): "
                         + ", ".join(str(path) for path in self.files))
        return lines


def tally(outcomes: list[CertificationOutcome]) -> str:
    """How many trainees got each outcome, e.g. ``3 certified, 1 not yet certified``."""
    counts = Counter(outcome.outcome for outcome in outcomes)
    return ", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items()))


@dataclass(frozen=True)
class _Session:
    """What every trainee's decision in one run shares."""

    kb: KnowledgeBase
    items: dict[ItemKey, CellTags]
    cohort: Cohort
    on: date
    out: Path
    course: Course
    issuer: Issuer | None  # signs credentials when the clinic has keys

    @property
    def assessments(self) -> list[tuple[str, str]]:
        """(assignment, decision day) for every assessed assignment, the credentials' evidence."""
        return [(name, self.on.isoformat()) for name in sorted({key[0] for key in self.items})]


def certify_cohort(course: Course, registry_url: str, *, by: str, on: date | None = None, db: str | None = None,
                   out: Path | None = None,
                   progress: Callable[[CertificationOutcome], None] | None = None) -> list[CertificationOutcome]:
    """Decide every trainee of the course's gradebook (or of the one at URL ``db``) on day ``on``
    (default today), record the decisions in the registry at ``registry_url`` (created if
    needed) as ``by``, and write certificates into ``out`` (default the course's
    ``certification/certificates``). ``progress(outcome)`` is called as each trainee is done.
    With issuer keys (``mesocourse keys init``) each certificate also gets a signed
    credential, the status list is re-signed and every transaction signs a checkpoint.

    Raises :class:`CertificationError` (or the course's errors) before writing anything
    when the input cannot be used.
    """
    on = on or date.today()
    if on > date.today():
        raise CertificationError(f"--date: {on} is in the future")
    require_actor(by)
    kb = load()
    cohort = read_cohort(course, db)
    if not cohort.trainees:
        raise CertificationError(f"gradebook {cohort.gradebook} has no students")
    folder = writable(out or course.certificates, "--out", folder=True)
    session = _Session(kb, course_items(course, kb.competencies), cohort, on, folder, course,
                       course_issuer(course))
    outcomes = []
    with open_guarded(registry_url, course, create=True, writer=True) as registry:
        view = RegistryView.read(registry)
        for trainee in cohort.trainees:
            outcomes.append(_certify_one(registry, view, by, trainee, session))
            if progress:
                progress(outcomes[-1])
        publish_revocations(session.issuer, registry.records())
    return outcomes


def _certify_one(registry: Registry, view: RegistryView, by: str, trainee: Trainee,
                 s: _Session) -> CertificationOutcome:
    """Decide one trainee and record the outcome, in one locked registry transaction."""
    framework = s.kb.certification
    with registry.transaction(by) as tx:
        view.catch_up(tx)  # what another instructor appended meanwhile, read under the lock
        history = view.history(trainee.id)
        previous = latest_per_trainee(history).get(trainee.id)
        if previous and not previous.due(s.on, framework.recertification.window_days):
            return CertificationOutcome(trainee, NOT_DUE, held=previous)
        marks = course_pass_marks(s.kb.competencies, view.latest_standard())
        names = {c.id: c.name for c in s.kb.competencies.values()}
        keys = s.issuer.public_keys() if s.issuer else None
        decision = decide(trainee, s.items, s.cohort.scores[trainee.id], marks, names, observations(history, keys),
                          framework, s.on, previous.fresh_since() if previous else None)
        certificate_id = new_certificate_id(s.on, view.certificate_ids) if decision.certified else None
        record = tx.append(DECISION, decision.payload(
            course=str(s.course.root), gradebook=s.cohort.gradebook, certificate_id=certificate_id,
            previous_certificate=previous.id if previous else None,
        ), trainee=trainee.id, certificate_id=certificate_id)
        view.add([record])
        outcome = CertificationOutcome(trainee, decision.outcome, record.seq, decision.explanation)
        if not certificate_id:
            return outcome
        supersedes = previous.id if previous and previous.revocation is None else None
        certificate = tx.append(CERTIFICATE, certificate_payload(
            decision, certificate_id, framework, record.seq, supersedes, s.kb.cite(framework.sources),
        ), trainee=trainee.id, certificate_id=certificate_id)
        view.add([certificate])
        files = publish_certificate(certificate, record, history, s.assessments, framework, s.out, s.issuer)
    return CertificationOutcome(trainee, decision.outcome, record.seq, decision.explanation, certificate_id,
                                certificate.seq, tuple(files))
