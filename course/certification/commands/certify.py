"""``mesocourse certify --course DIR``: decide every trainee; certificates for the certified.

Each trainee is decided inside one locked registry transaction (read their
history, decide, append the decision and any certificate), so two instructors
certifying at once neither lose records nor issue a trainee two certificates.
A trainee whose certificate is valid and not yet due for recertification is
left alone.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from course.assignments.tags import CellTags
from course.knowledge import KnowledgeBase, load

from ..certificates import certificate_payload, new_certificate_id
from ..decide import decide
from ..errors import CertificationError
from ..gradebook import Cohort, ItemKey, Trainee, read_cohort
from ..history import latest_per_trainee, observations
from ..issuing import course_issuer, publish_certificate, publish_revocations
from ..items import course_items
from ..keys import Issuer
from ..registry import CERTIFICATE, DECISION, STANDARD_SET, Registry
from ..standard_setting import pass_marks
from .common import add_day, add_registry, day, open_registry, reporting_errors

NOT_DUE = "not due for recertification"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_registry(parser, writer=True)
    parser.add_argument("--db", metavar="URL",
                        help="gradebook URL (default: db_url in DIR/nbgrader_config.py, else DIR/gradebook.db)")
    add_day(parser, "decision and issue day (default: today)")
    parser.add_argument("--out", type=Path, metavar="FOLDER",
                        help="where certificates are written (default: DIR/certification/certificates)")


@dataclass(frozen=True)
class Session:
    """What every trainee's decision in one run shares."""

    kb: KnowledgeBase
    items: dict[ItemKey, CellTags]
    cohort: Cohort
    on: date
    out: Path
    course: str
    issuer: Issuer | None  # signs credentials when the clinic has keys

    @property
    def assessments(self) -> list[tuple[str, str]]:
        """(assignment, decision day) for every assessed assignment, the credentials' evidence."""
        return [(name, self.on.isoformat()) for name in sorted({key[0] for key in self.items})]


def _certify_one(registry: Registry, actor: str, trainee: Trainee, s: Session) -> str:
    """Decide one trainee and record the outcome; returns it (or NOT_DUE) after printing why."""
    framework = s.kb.certification
    with registry.transaction(actor) as tx:
        history = tx.records(trainee=trainee.id)
        previous = latest_per_trainee(history).get(trainee.id)
        if previous and not previous.due(s.on, framework.recertification.window_days):
            print(f"{trainee.id} ({trainee.name}): {NOT_DUE}; holds {previous.id}, expires {previous.expires}")
            return NOT_DUE
        standards = tx.records(kind=STANDARD_SET)
        marks = pass_marks({c.id: c.pass_mark for c in s.kb.competencies.values()}, standards[-1] if standards else None)
        names = {c.id: c.name for c in s.kb.competencies.values()}
        decision = decide(trainee, s.items, s.cohort.scores[trainee.id], marks, names, observations(history),
                          framework, s.on, previous.fresh_since() if previous else None)
        certificate_id = None
        if decision.certified:
            certificate_id = new_certificate_id(s.on, {r.certificate_id for r in tx.records(kind=CERTIFICATE)})
        record = tx.append(DECISION, decision.payload(
            course=s.course, gradebook=s.cohort.gradebook, certificate_id=certificate_id,
            previous_certificate=previous.id if previous else None,
        ), trainee=trainee.id, certificate_id=certificate_id)
        print(f"{trainee.id} ({trainee.name}): {decision.outcome} [registry record {record.seq}]")
        for line in decision.explanation:
            print(f"  - {line}")
        if certificate_id:
            supersedes = previous.id if previous and previous.revocation is None else None
            sources = s.kb.cite(framework.sources)
            certificate = tx.append(CERTIFICATE, certificate_payload(
                decision, certificate_id, framework, record.seq, supersedes, sources,
            ), trainee=trainee.id, certificate_id=certificate_id)
            written = publish_certificate(certificate, record, history, s.assessments, framework, s.out, s.issuer)
            print(f"  certificate {certificate_id} (record {certificate.seq}): {', '.join(map(str, written))}")
    return decision.outcome


@reporting_errors
def run(args: argparse.Namespace) -> int:
    kb = load()
    on = day(args)
    if on > date.today():
        raise CertificationError(f"--date: {on} is in the future")
    cohort = read_cohort(args.course, args.db)
    if not cohort.trainees:
        raise CertificationError(f"gradebook {cohort.gradebook} has no students")
    session = Session(kb, course_items(args.course, kb.competencies), cohort, on,
                      args.out or args.course / "certification" / "certificates", str(args.course.resolve()),
                      course_issuer(args.course))
    with open_registry(args, create=True) as registry:
        outcomes = Counter(_certify_one(registry, args.by, trainee, session) for trainee in cohort.trainees)
        status_list = publish_revocations(session.issuer, registry.records())
    if status_list is None:
        print("no issuer keys: certificates have no signed credential (run `mesocourse keys init` first)")
    else:
        print(f"signed credentials, status list {status_list} and checkpoint {session.issuer.checkpoint_file}")
    print(", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items())) + f" ({registry.display_url})")
    return 0
