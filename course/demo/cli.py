"""``mesocourse demo --out DIR --trainees N``: the whole instructor pipeline on a
synthetic cohort, then where to look. Every step calls the feature's API."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from course.argument_types import whole_number
from course.outputs import writable

DEMO_ISSUER = {"name": "mesocourse demo clinic (synthetic)", "url": "https://clinic.example/mesocourse",
               "email": "certificates@clinic.example"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("demo-course"), metavar="DIR",
                        help="an empty folder for the demo course (default: demo-course)")
    parser.add_argument("--trainees", type=whole_number(), default=24, metavar="N", help="cohort size (default 24)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the synthetic cohort (default 2026)")
    parser.add_argument("--workers", type=whole_number(), default=None, metavar="N",
                        help="grading workers (default: one per CPU core)")


def step(text: str) -> None:
    print(f"\n== {text}", flush=True)


def run(args: argparse.Namespace) -> int:
    from .workspace import refuse_existing_course

    out = writable(args.out, "--out", folder=True).resolve()
    refuse_existing_course(out)  # before the heavy imports below

    from course.assignments import ASSIGNMENTS
    from course.assignments.tags import course_tags
    from course.certification.cohort_certification import certify_cohort, tally
    from course.certification.keys import Issuer
    from course.grading import grade_cohort, write_feedback
    from course.grading.cli.grade import summary
    from course.grading.progress_bar import ProgressBar
    from course.report.fairness import course_allocations
    from course.report.gradesheets import grading_notes
    from course.report.html import render
    from course.report.scores import load_scores

    from .observed_practice import observe_practice
    from .synthetic_cohort import write_cohort
    from .workspace import build_workspace

    started = time.monotonic()
    step(f"1/6 course workspace in {out} (source/ built from the assignments' case data)")
    course, releases = build_workspace(out)  # the one course the demo works on
    for release in releases:
        print(f"released {release.relative_to(out)}")
    step(f"2/6 {args.trainees} synthetic trainees (seed {args.seed})")
    trainees = write_cohort(course, args.trainees, args.seed)
    personas = Counter(t.persona if not t.fault else "broken or hostile notebook" for t in trainees)
    print(", ".join(f"{n} {persona}" for persona, n in personas.items()))
    step("3/6 grading (parallel, fault tolerant)")
    for assignment in ASSIGNMENTS:
        begun = time.monotonic()
        results = grade_cohort(course, assignment, workers=args.workers, progress=ProgressBar(assignment))
        print(summary(assignment, results, time.monotonic() - begun))
    step("4/6 feedback (hidden tests removed)")
    for assignment in ASSIGNMENTS:
        written = write_feedback(course, assignment, progress=ProgressBar(f"feedback {assignment}"))
        print(f"{assignment}: {sum(r.status != 'failed' for r in written)} feedback files")
    step("5/6 cohort report")
    report = course.cohort_report
    scores = load_scores(course)
    render(scores, course_tags(course), report, grading_notes(course),
           course_allocations(course, scores.assignments, scores.students))
    print(f"written {report.relative_to(out)} and its CSV tables")
    step("6/6 certification (issuer keys, synthetic observed practice, decisions, signed credentials)")
    issuer = Issuer(course.issuer_folder)
    print(f"issuer key {issuer.init(**DEMO_ISSUER)} for {DEMO_ISSUER['name']} (keys in {issuer.keys_dir})")
    registry = f"sqlite:///{course.registry_file}"  # the demo's own registry, never $MESOCOURSE_REGISTRY's
    print(f"recorded {observe_practice(course, registry, trainees)} observations")
    outcomes = certify_cohort(course, registry, by="mesocourse demo",
                              progress=lambda outcome: print("\n".join(outcome.lines())))
    print(tally(outcomes))
    print(f"signed credentials, status list {issuer.status_list_file} and checkpoint {issuer.checkpoint_file}")
    print(f"\nDone in {time.monotonic() - started:.0f} s. Where to look:")
    for what, where in (
        ("cohort report (open in a browser)", report),
        ("grading sheets, one per assignment", course.gradesheet("<assignment>")),
        ("feedback for each trainee", course.feedback / "<trainee>" / "<assignment>"),
        ("certificates (PDF and HTML with a QR code, signed Open Badges credential .jwt)", course.certificates),
        ("what the clinic publishes (jwks.json, issuer.json, status-list.jwt, checkpoint.jwt)", issuer.public_dir),
        ("an employer verifies offline", "mesocourse verify --credential CERT.jwt --issuer-keys jwks.json "
         "--status-list status-list.jwt"),
        ("the gradebook (nbgrader export, formgrader)", course.db_url),
        ("the certification registry (mesocourse verify --registry --course DIR)", course.registry_file),
    ):
        print(f"  {what}: {where}")
    return 0
