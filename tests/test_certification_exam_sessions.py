"""Certification refuses an exam result handed in outside an exam session, when the course requires sessions.

A real course (the hub's course folder layout: ``HUB/course``) released by the real ``mesocourse
release``; five trainees hand in the certification exam (``exam: true``), each answering their own
variant right, with nbgrader's timestamps set as their hand-ins would be; ``mesocourse grade``
grades them into the real gradebook. The exam log is written by the hub's own code
(``course.hub.exams``). The hub opened one session, 60 minutes, bob with 30 minutes of extra time:

- ann handed in within her hour; bob after ann's end but within his own (extra time);
- dee's notebook was handed in by the hub 20 seconds after her end (logged as the hub's hand-in);
- cy handed in after her end, herself: outside;
- eve was not enrolled on the hub, so no session was opened for her: outside.

Each scenario certifies with the real ``mesocourse certify`` into a registry of its own.
"""

from __future__ import annotations

import csv
import io
import json
from contextlib import redirect_stdout
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from browser_support import free_port
from grading_support import hand_in, release_real_course
from nbgrader.api import Gradebook

from course.assignments.allocation import course_variant
from course.assignments.variants import load_variants
from course.certification.exam_sessions import ExamSessionCheck
from course.certification.gradebook import read_cohort
from course.certification.observation import observation_payload, record_observations
from course.certification.registry import DECISION, EXAM_ACCEPTANCE, Registry
from course.cli import main
from course.coursedir import Course
from course.exam_record import HUB_HAND_IN, require_exam_sessions
from course.gradebook_tables import submission_times
from course.grading import grade_cohort
from course.hub.exam_end import NBGRADER_TIMESTAMP
from course.hub.exams import close_session, log_event, open_session
from course.hub.state import HubSettings, HubState
from course.nbgrader_api import put_python_tools_on_path

pytestmark = [pytest.mark.slow]
NINE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
HANDED_IN = {"ann": NINE + timedelta(minutes=40), "bob": NINE + timedelta(minutes=75),
             "dee": NINE + timedelta(minutes=60, seconds=20), "cy": NINE + timedelta(minutes=62),
             "eve": NINE + timedelta(minutes=30)}
ENROLLED_ON_THE_HUB = ("ann", "bob", "cy", "dee")
TRAINEES = tuple(HANDED_IN)


@pytest.fixture(scope="module")
def hub_course(tmp_path_factory: pytest.TempPathFactory) -> HubState:
    """The graded course in a hub folder, with the session's exam log (the course does not yet say it requires
    sessions: each test decides)."""
    put_python_tools_on_path()
    hub = HubState.at(tmp_path_factory.mktemp("exam-sessions") / "hub")
    release_real_course(hub.course_dir, "certification")
    hub.save_settings(HubSettings(grader_account="nobody-grader-certify", port=free_port()))
    hub.accounts_file.write_text(json.dumps({"instructors": {}, "trainees": {
        who: {"name": who.title(), "email": ""} for who in ENROLLED_ON_THE_HUB}}))
    course = Course(hub.course_dir)
    for trainee, moment in HANDED_IN.items():
        answers = load_variants("certification").answers(course_variant(course, "certification", trainee, 8))
        folder = hand_in(hub.course_dir, "certification", trainee, answers)
        (folder / "timestamp.txt").write_text(moment.strftime(NBGRADER_TIMESTAMP))
    results = grade_cohort(course, "certification", workers=2)
    assert {r.status for r in results} == {"graded"}, [(r.student_id, r.status) for r in results]
    open_session(hub, "certification", 60, extra_time=["bob=30"], now=NINE)
    log_event(hub, "hand-in", trainee="dee", assignment="certification", by=HUB_HAND_IN,
              timestamp=HANDED_IN["dee"].strftime(NBGRADER_TIMESTAMP), now=HANDED_IN["dee"])
    close_session(hub, "certification", now=NINE + timedelta(minutes=95))
    return hub


def certify(hub: HubState, registry: str, *options: str) -> tuple[int, str]:
    """The real ``mesocourse certify`` with every trainee's observed practice recorded: (status, output)."""
    course = Course.open(hub.course_dir)
    with Registry(registry, create=True) as opened:
        done = {r.trainee for r in opened.records()}
    if not done:
        record_observations(registry, "test", [
            observation_payload(trainee, procedure, "Dr A", 4, date(2026, 11, 1))
            for trainee in TRAINEES for procedure, count in (("consultation_screening", 2), ("facial_session", 3))
            for _ in range(count)], course=course)
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(["certify", "--course", str(hub.course_dir), "--registry", registry, "--by", "Ines",
                       "--date", "2026-12-01", *options])
    return status, out.getvalue()


def decisions(registry: str) -> dict[str, dict]:
    with Registry(registry, create=False) as opened:
        return {r.trainee: r.data for r in opened.records(kind=DECISION)}


@pytest.fixture
def required(hub_course: HubState):
    """The course says it requires exam sessions, as the hub writes it when it prepares the course it serves."""
    setting = require_exam_sessions(hub_course.course_dir, hub_course.root)
    yield hub_course
    setting.unlink()


def test_the_gradebook_times_are_nbgraders_own(hub_course: HubState):
    times = submission_times(Course(hub_course.course_dir).gradebook())
    with Gradebook(Course(hub_course.course_dir).gradebook()) as gb:
        theirs = {s.student.id: s.timestamp for s in gb.find_assignment("certification").submissions}
    assert {who: moment.replace(tzinfo=None) for (who, _), moment in times.items()} == theirs
    assert {who: moment for (who, _), moment in times.items()} == HANDED_IN


def test_a_course_run_without_the_hub_requires_no_session(hub_course: HubState, tmp_path: Path):
    registry = f"sqlite:///{tmp_path / 'registry.db'}"
    status, output = certify(hub_course, registry)
    assert status == 0 and "exam sessions: not required" in output
    assert {who: d["outcome"] for who, d in decisions(registry).items()} == dict.fromkeys(TRAINEES, "certified")
    assert decisions(registry)["cy"]["exam_sessions"] == {"required": False, "results": [
        {"assignment": "certification", "handed_in": HANDED_IN["cy"].isoformat(), "session": None}]}


def test_an_exam_handed_in_outside_the_trainees_session_is_refused(required: HubState, tmp_path: Path):
    registry = f"sqlite:///{tmp_path / 'registry.db'}"
    status, output = certify(required, registry)
    assert status == 0, output
    assert "exam sessions: required" in output and "3 exam result(s) handed in within a session, 2 outside" in output
    outcomes = {who: d["outcome"] for who, d in decisions(registry).items()}
    assert outcomes == {"ann": "certified", "bob": "certified", "dee": "certified",
                        "cy": "not yet certified", "eve": "not yet certified"}
    (cy,) = decisions(registry)["cy"]["reasons"]
    assert "Exam 'certification' handed in at 2026-11-30 10:02:00 UTC, outside every exam session of cy" in cy
    assert "(their sessions: 2026-11-30 09:00:00 UTC to 2026-11-30 10:00:00 UTC)" in cy
    assert "--accept-outside-session cy" in cy and cy in output
    (eve,) = decisions(registry)["eve"]["reasons"]
    assert "handed in at 2026-11-30 09:30:00 UTC, outside every exam session of eve" in eve
    assert "none was opened for them" in eve
    assert decisions(registry)["bob"]["exam_sessions"]["results"][0]["session"] == [
        NINE.isoformat(), (NINE + timedelta(minutes=90)).isoformat()]  # his own end, extra time included


def test_an_accepted_exam_outside_a_session_is_recorded_with_who_when_and_why(required: HubState, tmp_path: Path):
    registry = f"sqlite:///{tmp_path / 'registry.db'}"
    certify(required, registry)
    why = "the hub's server failed at 09:58; she handed in from the instructor's machine, supervised"
    status, output = certify(required, registry, "--accept-outside-session", "cy", "--reason", why)
    assert status == 0, output
    with Registry(registry, create=False) as opened:
        (accepted,) = opened.records(kind=EXAM_ACCEPTANCE)
    assert (accepted.trainee, accepted.recorded_by) == ("cy", "Ines") and accepted.recorded_at.startswith("20")
    assert accepted.data == {"trainee": "cy", "assignment": "certification",
                             "handed_in": HANDED_IN["cy"].isoformat(), "reason": why}
    cy = decisions(registry)["cy"]
    assert cy["outcome"] == "certified"
    assert f"accepted by Ines at {accepted.recorded_at} (registry record {accepted.seq}): {why}" in output
    assert cy["exam_sessions"]["results"][0]["accepted"]["reason"] == why
    assert decisions(registry)["eve"]["outcome"] == "not yet certified"  # no one accepted hers
    export = io.StringIO()
    with redirect_stdout(export):
        assert main(["certification-export", "--format", "hr", "--registry", registry,
                     "--course", str(required.course_dir)]) == 0
    rows = {row["trainee_id"]: row for row in csv.DictReader(io.StringIO(export.getvalue()))}
    assert rows["cy"]["exam_sessions"] == (f"certification handed in {HANDED_IN['cy'].isoformat()}: outside a "
                                           f"session, accepted by Ines at {accepted.recorded_at}: {why}")
    assert rows["eve"]["exam_sessions"].endswith("outside a session, refused")
    assert rows["ann"]["exam_sessions"].endswith("within a session")


@pytest.mark.parametrize(("options", "named"), [
    (("--accept-outside-session", "ann", "--reason", "x"), "ann handed in no exam outside an exam session"),
    (("--accept-outside-session", "cy"), "--accept-outside-session cy: give --reason"),
    (("--accept-outside-session", "zed", "--reason", "x"), "zed: no such trainee"),
    (("--reason", "x"), "--reason: only with --accept-outside-session"),
])
def test_an_acceptance_with_nothing_to_accept_or_no_reason_is_refused_before_anything_is_recorded(
        required: HubState, tmp_path: Path, capsys: pytest.CaptureFixture[str], options: tuple, named: str):
    registry = tmp_path / "registry.db"
    status = main(["certify", "--course", str(required.course_dir), "--registry", f"sqlite:///{registry}",
                   "--by", "Ines", *options])
    assert status == 2 and named in capsys.readouterr().err
    assert not registry.exists()


def test_the_check_reads_the_course_folder_only(required: HubState):
    course = Course.open(required.course_dir)
    check = ExamSessionCheck.read(course, read_cohort(course))
    assert check.required and sorted(r.trainee for rs in check.results.values() for r in rs
                                     if r.session is None) == ["cy", "eve"]
