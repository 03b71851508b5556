"""``mesocourse demo --out DIR --trainees N``: the whole instructor pipeline on a
synthetic cohort, then where to look."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from course.certification.keys import Issuer, issuer_folder


DEMO_ISSUER = {"name": "mesocourse demo clinic (synthetic)", "url": "https://clinic.example/mesocourse",
               "email": "certificates@clinic.example"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("demo-course"), metavar="DIR",
                        help="an empty folder for the demo course (default: demo-course)")
    parser.add_argument("--trainees", type=int, default=24, metavar="N", help="cohort size (default 24)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the synthetic cohort (default 2026)")
    parser.add_argument("--workers", type=int, default=None, help="grading workers (default: CPU count + 1)")


def step(text: str) -> None:
    print(f"\n== {text}", flush=True)


def run(args: argparse.Namespace) -> int:
    from course.assignments.build import ASSIGNMENTS
    from course.assignments.tags import course_tags
    from course.cli import main as mesocourse
    from course.grading import grade_cohort, write_feedback
    from course.grading.cli import summary
    from course.grading.progress import ProgressBar
    from course.report.html import render
    from course.report.scores import default_db_url, load_scores

    from .cohort import write_cohort
    from .practice import record_observations
    from .workspace import build_workspace

    if args.trainees < 1:
        print("mesocourse demo: --trainees must be at least 1", file=sys.stderr)
        return 2
    out = args.out.resolve()
    started = time.monotonic()
    step(f"1/6 course workspace in {out} (from this repository's source/)")
    try:
        releases = build_workspace(out)
    except FileExistsError as error:
        print(f"mesocourse demo: {error}", file=sys.stderr)
        return 2
    for release in releases:
        print(f"released {release.relative_to(out)}")
    step(f"2/6 {args.trainees} synthetic trainees (seed {args.seed})")
    trainees = write_cohort(out, args.trainees, args.seed)
    personas = Counter(t.persona if not t.fault else "broken or hostile notebook" for t in trainees)
    print(", ".join(f"{n} {persona}" for persona, n in personas.items()))
    step("3/6 grading (parallel, fault tolerant)")
    for assignment in ASSIGNMENTS:
        begun = time.monotonic()
        results = grade_cohort(out, assignment, workers=args.workers, progress=ProgressBar(assignment))
        print(summary(assignment, results, time.monotonic() - begun))
    step("4/6 feedback (hidden tests removed)")
    for assignment in ASSIGNMENTS:
        written = write_feedback(out, assignment, progress=ProgressBar(f"feedback {assignment}"))
        print(f"{assignment}: {sum(r.status != 'failed' for r in written)} feedback files")
    step("5/6 cohort report")
    report = out / "reports" / "cohort-report.html"
    render(load_scores(default_db_url(out)), course_tags(out), report)
    print(f"written {report.relative_to(out)} and its CSV tables")
    step("6/6 certification (issuer keys, synthetic observed practice, decisions, signed credentials)")
    issuer = Issuer(issuer_folder(out))
    print(f"issuer key {issuer.init(**DEMO_ISSUER)} for {DEMO_ISSUER['name']} (keys in {issuer.keys_dir})")
    print(f"recorded {record_observations(out, trainees)} observations")
    code = mesocourse(["certify", "--course", str(out), "--by", "mesocourse demo"])
    print(f"\nDone in {time.monotonic() - started:.0f} s. Where to look:")
    for what, where in (
        ("cohort report (open in a browser)", report),
        ("grading sheets, one per assignment", out / "reports" / "grading-<assignment>.csv"),
        ("feedback for each trainee", out / "feedback" / "<trainee>" / "<assignment>"),
        ("certificates (PDF and HTML with a QR code, signed Open Badges credential .jwt)",
         out / "certification" / "certificates"),
        ("what the clinic publishes (jwks.json, issuer.json, status-list.jwt, checkpoint.jwt)", issuer.public_dir),
        ("an employer verifies offline", "mesocourse verify --credential CERT.jwt --issuer-keys jwks.json "
         "--status-list status-list.jwt"),
        ("the gradebook (nbgrader export, formgrader)", out / "gradebook.db"),
        ("the certification registry (mesocourse verify --registry --course DIR)", out / "certification" / "registry.db"),
    ):
        print(f"  {what}: {where}")
    return code
