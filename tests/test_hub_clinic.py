"""The clinic's staff on a real course server: ``hub add-staff`` and the clinic manager's page, in Chromium.

A real JupyterHub in a throwaway folder. Trainees are enrolled with a ``clinic``
column (North, South); staff with ``mesocourse hub add-staff``: a manager per clinic,
an assessor, and the instructor holding both staff roles (several roles, no clinic).
Certification lives in a registry beside the hub (``MESOCOURSE_REGISTRY``, as a clinic
group's shared registry would): Xena certified, Yuri certified then revoked, Zed in
progress with gaps in his graded work, Wanda certified 400 days ago (``certify --date``)
so that her certificate has really expired. Each manager sees only their clinic, with
the statuses ``mesocourse verify`` and ``expiring`` give, and the competencies to refresh
first; staff get no account on the machine and no server.
Every account and process is removed (checked). Needs root; skips otherwise.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from certification_builders import FULL, Trainee, build_course, observe_all
from hub_support import (
    account_exists,
    course_hub_left_clean,
    hub_command,
    log_in,
    new_page,
    one_time_passwords,
    processes_of,
    require_hub_in_chromium,
    shot,
)

from course.certification.history import latest_per_trainee
from course.certification.registry import Registry
from course.cli import main

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
PEOPLE = {"i": "Ines Tructor", "a": "Ann Honest"}
TRAINEES = {"x": ("Xena North", "North"), "y": ("Yuri South", "South"), "z": ("Zed North", "North"),
            "w": ("Wanda North", "North")}
WEAK_AFTERCARE = {**FULL, "aftercare": 4.0}  # complications 80%: 10 points above its pass mark of 70%
GAPS = {**FULL, "screen_a": 0.0, "screen_b": 5.0, "depth": 5.0}  # screening 50% (mark 80%), depth and technique 50%

require_hub_in_chromium()


@pytest.fixture(scope="module")
def clinic():
    """The running hub with the clinic's trainees and staff enrolled, and its registry's course folder."""
    folder = Path(tempfile.mkdtemp(prefix="mesocourse-clinic-"))
    os.chmod(folder, 0o755)
    course = folder / "course"
    made: list[str] = []
    try:
        with pytest.MonkeyPatch.context() as environment:
            environment.setenv("MESOCOURSE_REGISTRY", str(course / "certification" / "registry.db"))
            environment.setenv("MESOCOURSE_ISSUER", str(course / "certification"))
            with course_hub_left_clean(PEOPLE) as hub:
                common = ["--state", str(hub.state.root)]
                roster = folder / "trainees.csv"
                roster.write_text("id,name,email,clinic\n" + "".join(
                    f"{hub.account(role)},{name},,{clinic}\n" for role, (name, clinic) in TRAINEES.items()))
                hub.passwords.update(one_time_passwords(hub_command("add-trainees", str(roster), *common).stdout))
                made = [hub.account(role) for role in TRAINEES]
                certify(hub, course)
                staff_out = add_staff(hub, folder, staff_roster(hub)).stdout
                hub.passwords.update(one_time_passwords(staff_out))
                yield hub, course, folder, staff_out
    finally:
        assert [name for name in made if account_exists(name)] == [], "trainee accounts left behind"
        shutil.rmtree(folder, ignore_errors=True)


def certify(hub, course: Path) -> None:
    """Wanda certified 400 days ago (her certificate has expired since), Xena and Yuri observed and
    certified today, Yuri revoked; Zed has grades with gaps but no observation.
    The course folder becomes the grader's, as the hub's own course is."""
    x, y, z, w = (hub.account(role) for role in TRAINEES)
    build_course(course, [Trainee(x, "Xena", "North", scores=dict(WEAK_AFTERCARE)), Trainee(y, "Yuri", "South"),
                          Trainee(z, "Zed", "North", scores=dict(GAPS)),
                          Trainee(w, "Wanda", "North", scores=dict(WEAK_AFTERCARE))])
    assert main(["keys", "init", "--course", str(course), "--name", "Clinique Hub", "--url", "https://clinic.example",
                 "--email", "certificates@clinic.example"]) == 0
    long_ago = date.today() - timedelta(days=400)
    observe_all(os.environ["MESOCOURSE_REGISTRY"], w, day=str(long_ago - timedelta(days=10)), course=course)
    assert main(["certify", "--course", str(course), "--by", "Ines", "--date", str(long_ago)]) == 0
    for trainee in (x, y):
        observe_all(os.environ["MESOCOURSE_REGISTRY"], trainee, day=str(date.today() - timedelta(days=30)),
                    course=course)
    assert main(["certify", "--course", str(course), "--by", "Ines"]) == 0
    assert main(["revoke", latest(course)[y].id, "--reason", "withdrawn", "--course", str(course), "--by", "Ines"]) == 0
    grader = hub.state.settings().grader_account
    shutil.chown(course, grader, grader)
    for path in course.rglob("*"):
        shutil.chown(path, grader, grader)


def latest(course: Path) -> dict:
    with Registry(f"sqlite:///{course / 'certification' / 'registry.db'}", create=False) as registry:
        return latest_per_trainee(registry.records())


def add_staff(hub, folder: Path, text: str, check: bool = True):
    roster = folder / "staff.csv"
    roster.write_text(text)
    return hub_command("add-staff", str(roster), "--state", str(hub.state.root), check=check)


def staff_roster(hub) -> str:
    a = hub.account
    return ("id,name,email,role,clinic\n"
            f"{a('mx')},Mia North,,clinic_manager,North\n{a('my')},Moe South,,clinic_manager,South\n"
            f"{a('r')},Rita Assessor,,assessor,North\n{a('i')},Ines Tructor,,assessor;clinic_manager,\n")


def test_add_staff_refuses_a_bad_roster_whole_with_line_numbers(clinic):
    hub, _, folder, _ = clinic
    a = hub.account
    before = enrolled_staff(hub)
    done = add_staff(hub, folder, f"id,name,email,role\n{a('r')},Rita,,assessor\n{a('s')},Sam,,surgeon\n"
                                  f"{a('a')},Ann Honest,,assessor\n", check=False)
    assert done.returncode != 0
    assert "line 3: role 'surgeon' is not one of assessor, clinic_manager" in done.stdout + done.stderr
    assert enrolled_staff(hub) == before
    done = add_staff(hub, folder, f"id,name,email,role\n{a('r')},Rita,,assessor\n{a('a')},Ann Honest,,assessor\n",
                     check=False)
    assert done.returncode != 0 and f"line 3: '{a('a')}' is enrolled as a trainee" in done.stdout + done.stderr
    assert enrolled_staff(hub) == before and a("s") not in before


def enrolled_staff(hub) -> dict:
    return json.loads(hub.state.accounts_file.read_text()).get("staff", {})


def test_staff_are_enrolled_with_several_roles_and_no_account_on_the_machine(clinic):
    hub, _, folder, out = clinic
    a = hub.account
    assert set(one_time_passwords(out)) == {a("mx"), a("my"), a("r")}  # the instructor keeps her password
    staff = enrolled_staff(hub)
    assert staff[a("i")]["roles"] == ["assessor", "clinic_manager"] and staff[a("mx")]["clinic"] == "North"
    assert not any(account_exists(a(role)) for role in ("mx", "my", "r"))


@contextlib.contextmanager
def logged_in(browser, hub, account: str, path: str):
    """A fresh browser tab where ``account`` has logged in and asked for ``path``."""
    page = new_page(browser)
    log_in(page, hub, account, path)
    try:
        yield page
    finally:
        page.context.close()


def table_rows(page, table: str) -> list[list[str]]:
    """The cells of each row shown (not filtered out by the search) of the table with ID ``table``, in order."""
    rows = page.locator(f"#{table} tbody tr")
    return [rows.nth(n).locator("td").all_inner_texts() for n in range(rows.count()) if rows.nth(n).is_visible()]


def manager_table(page) -> dict[str, list[str]]:
    """The manager's table as trainee -> cells (the rows shown)."""
    return {cells[0]: cells for cells in table_rows(page, "staff")}


def test_a_manager_sees_their_clinic_with_the_statuses_of_verify_and_expiring(clinic, browser):

    hub, course, _, _ = clinic
    a = hub.account
    certificates = latest(course)
    with logged_in(browser, hub, a("mx"), "/hub/home") as page:
        manager_page_north(page, hub, course, certificates)


def manager_page_north(page, hub, course: Path, certificates: dict) -> None:
    """Clinic North's manager, from the hub's bar: the table, its statuses, search, sort and CSV."""
    from a11y_support import audit

    a = hub.account
    page.get_by_role("link", name="Clinic staff").click()  # the hub's bar
    page.wait_for_url("**/services/course/clinic")
    shot(page, "clinic-manager-north")
    audit(page, "hub-clinic").check()
    table = manager_table(page)
    assert set(table) == {a("x"), a("z"), a("w")}  # North only: not Yuri (South)
    assert table[a("x")][3] == "certified" and table[a("x")][4] == str(certificates[a("x")].expires)
    assert table[a("z")][3] == "in progress" and table[a("z")][6].startswith("missing: ")
    wanda = certificates[a("w")]
    assert wanda.expires < date.today()  # really in the past: no ?date= needed
    assert table[a("w")][3] == "expired" and table[a("w")][6].startswith(f"expired on {wanda.expires} (")
    assert f"{certificates[a('x')].id}: valid on" in mesocourse("verify", certificates[a("x")].id)
    assert f"{wanda.id}: expired on" in mesocourse("verify", wanda.id)
    expiring = mesocourse("expiring", "--within", "400d")
    assert a("x") in expiring  # within 400 days Xena's certificate is due: the page says so too
    assert f"expired {wanda.expires}" in expiring
    refresh_first(page, hub)
    page.get_by_label("Expiring within (days)").fill("400")
    page.get_by_label("Expiring within (days)").press("Enter")
    page.wait_for_url("**within=400**")
    assert manager_table(page)[a("x")][3] == "expiring"

    # keyboard alone: search, then sort by status
    page.get_by_placeholder("search trainees").focus()
    page.keyboard.type("Zed")
    assert set(manager_table(page)) == {a("z")}
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    status = page.get_by_role("region", name="Trainees and their certification").get_by_role("button", name="status")
    status.focus()
    page.keyboard.press("Enter")
    assert status.locator("xpath=..").get_attribute("aria-sort") == "ascending"
    assert [row[3] for row in manager_table(page).values()] == ["expired", "expiring", "in progress"]

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this table as CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert {(row["trainee"], row["status"]) for row in rows} == {(a("x"), "expiring"), (a("z"), "in progress"),
                                                               (a("w"), "expired")}


def mesocourse(*command: str) -> str:
    """What the real command prints."""
    return subprocess.run([sys.executable, "-m", "course", *command], capture_output=True, text=True).stdout


def refresh_first(page, hub) -> None:
    """The competencies to refresh first, for clinic North and per member: furthest below the pass mark
    first, then the soonest certificate end (Wanda's, expired, before Xena's); at tablet width too."""
    from a11y_support import audit

    a = hub.account
    below, weakest = "points below its pass mark", "weakest: 10 points above its pass mark"
    member = [(row[0], row[2].split(":")[0], row[5], row[8]) for row in table_rows(page, "refresh-staff")]
    assert [row[:3] for row in member] == [
        (a("z"), "screening", f"30 {below}"), (a("z"), "depth", f"20 {below}"), (a("z"), "technique", f"10 {below}"),
        (a("w"), "complications", weakest), (a("x"), "complications", weakest)]
    assert all(row[3].startswith("certification decision of ") for row in member)  # no graded work on this hub
    whole = table_rows(page, "refresh-clinic")
    assert [(row[0].split(":")[0], row[1]) for row in whole] == [
        ("screening", "1"), ("depth", "1"), ("technique", "1"), ("complications", "0")]
    assert whole[-1][2] == "Wanda North (80%); Xena North (80%)" and whole[0][4] == "no certificate"  # Zed's
    assert "self-check attempts" in page.inner_text("main")  # the page says where its figures come from
    page.get_by_placeholder("search staff and competencies").fill("complications")
    assert [row[0] for row in table_rows(page, "refresh-staff")] == [a("w"), a("x")]
    page.get_by_placeholder("search staff and competencies").fill("")
    page.set_viewport_size({"width": 768, "height": 1024})  # a manager's tablet
    page.get_by_role("heading", name="Competencies to refresh first").evaluate("e => e.scrollIntoView()")
    shot(page, "clinic-manager-refresh-768")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768  # no sideways scrolling
    audit(page, "hub-clinic-768").check()
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_other_clinics_manager_sees_only_theirs_and_trainees_see_none(clinic, browser):
    hub, _, _, _ = clinic
    a = hub.account
    with logged_in(browser, hub, a("my"), "/services/course/") as page:
        page.wait_for_url("**/services/course/clinic")
        table = manager_table(page)
        assert set(table) == {a("y")} and table[a("y")][3] == "revoked" and "withdrawn" in table[a("y")][6]
    with logged_in(browser, hub, a("i"), "/services/course/clinic") as page:  # instructor and manager, no clinic
        page.wait_for_url("**/services/course/clinic")
        assert set(manager_table(page)) == {a("a"), a("x"), a("y"), a("z"), a("w")}
    with logged_in(browser, hub, a("a"), "/hub/home") as page:
        assert page.goto(f"{hub.url}/services/course/clinic").status == 403


def test_an_assessor_has_no_server_and_lands_on_the_course_pages(clinic, browser):
    hub, _, _, _ = clinic
    a = hub.account
    with logged_in(browser, hub, a("r"), "/hub/spawn") as page:
        page.wait_for_url("**/services/course/assess")
        shot(page, "assessor-landing")
        assert "Observations to complete" in page.inner_text("h1")
        page.goto(f"{hub.url}/hub/spawn")
        page.wait_for_url("**/services/course/**")  # no server, whatever the route
        assert processes_of(a("r")) == [] and not account_exists(a("r"))


def ask_for_observation(page, procedure: str, assessor: str) -> None:
    """The trainee's request, by clicking on their page."""
    page.get_by_label("Procedure").select_option(procedure)
    page.get_by_label("Day of the session").fill(date.today().isoformat())
    page.get_by_label("Assessor").select_option(assessor)
    page.get_by_role("button", name="Ask for this observation").click()
    page.get_by_text("Your request was sent").wait_for()


def tab_to(page, check: str, limit: int = 40) -> None:
    """Press Tab until ``check`` (a JavaScript expression on document.activeElement) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return {check}; }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {check}")


def xsrf_post(page, url: str, form: dict[str, str]) -> int:
    """A form post made outside the page (as a forger would), with the person's own session and XSRF token."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "_xsrf")
    return page.request.post(url, form={"_xsrf": token, **form}, max_redirects=0).status


def test_a_trainee_asks_and_the_assessor_signs_the_form_with_the_keyboard_at_768px(clinic, browser):
    from a11y_support import audit

    hub, course, _, _ = clinic
    a = hub.account
    with logged_in(browser, hub, a("z"), "/services/course/observations") as page:
        page.wait_for_url("**/services/course/observations")
        audit(page, "hub-observations-trainee").check()
        ask_for_observation(page, "facial_session", a("r"))

    context = browser.new_context(viewport={"width": 768, "height": 1024})  # a tablet
    page = context.new_page()
    try:
        log_in(page, hub, a("r"), "/services/course/assess")
        page.wait_for_url("**/services/course/assess")
        tab_to(page, "e.textContent === 'Open the form'")
        page.keyboard.press("Enter")
        page.wait_for_url("**/services/course/assess/*")
        shot(page, "assessor-form-768")
        audit(page, "hub-observation-form").check()
        assert page.evaluate("document.documentElement.scrollWidth") <= 768  # no sideways scrolling
        for target in page.locator("fieldset label, textarea, form button").all():
            assert target.bounding_box()["height"] >= 44, target.inner_text()
        tab_to(page, "e.name === 'check_consent_screening'")
        for _ in range(4):  # the four checklist items, ticked with Space
            page.keyboard.press("Space")
            page.keyboard.press("Tab")
        page.keyboard.press("Space")  # the entrustment scale: level 1, then down to 3
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
        page.keyboard.type("Calm consent; depth checked at each point.")
        page.keyboard.press("Tab")
        page.keyboard.type("Give the warning signs before the patient stands up.")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_url("**/services/course/assess?recorded=*")
        seq = int(page.url.rsplit("=", 1)[1])
    finally:
        context.close()

    (record,) = [r for r in records(course) if r.seq == seq]
    check_signed(course, record.data, a("r"))
    assert record.data["entrustment"] == 3 and all(record.data["checklist"].values())
    assert record.data["trainee"] == a("z") and record.recorded_by == a("r")

    with logged_in(browser, hub, a("z"), "/services/course/observations") as page:
        text = page.inner_text("main")
        assert "What to improve: Give the warning signs before the patient stands up." in text
        assert f"signed by {a('r')} on the course server" in text

    assert main(["certify", "--course", str(course), "--by", "Ines"]) == 0
    decision = [r for r in records(course) if r.kind == "decision" and r.trainee == a("z")][-1]
    assert seq in decision.data["observed_practice"]["facial_session"]["observation_records"]


def records(course: Path) -> list:
    with Registry(f"sqlite:///{course / 'certification' / 'registry.db'}", create=False) as registry:
        return registry.records()


def check_signed(course: Path, data: dict, hub_user: str) -> None:
    """The signature verifies with PyJWT (an independent JOSE library) and carries ``hub_user``."""
    import jwt

    jwks = json.loads((course / "certification" / "public" / "jwks.json").read_text())
    kid = jwt.get_unverified_header(data["signature"])["kid"]
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == kid))
    signed = json.loads(jwt.api_jws.decode(data["signature"], key.key, algorithms=["EdDSA"]))
    assert signed["assessor_identity"]["hub_user"] == hub_user
    assert signed == {k: v for k, v in data.items() if k != "signature"}


def test_forged_form_posts_are_refused(clinic, browser):
    hub, _, _, _ = clinic
    a = hub.account
    with logged_in(browser, hub, a("z"), "/services/course/observations") as page:
        page.wait_for_url("**/services/course/observations")
        ask_for_observation(page, "consultation_screening", a("r"))
    requests = json.loads((hub.state.course_dir / "observation-requests.json").read_text())
    (request_id,) = [r["id"] for r in requests.values()
                     if r["procedure"] == "consultation_screening" and r["status"] == "open"]
    url = f"{hub.url}/services/course/assess/{request_id}"
    form = {"entrustment": "4", "check_consultation": "done"}
    with logged_in(browser, hub, a("y"), "/services/course/observations") as page:  # another trainee
        page.wait_for_url("**/services/course/observations")
        assert xsrf_post(page, url, form) == 403
    with logged_in(browser, hub, a("i"), "/services/course/assess") as page:  # another assessor
        page.wait_for_url("**/services/course/assess")
        assert xsrf_post(page, url, form) == 403
    with logged_in(browser, hub, a("r"), "/services/course/assess") as page:
        page.wait_for_url("**/services/course/assess")
        assert xsrf_post(page, url, {**form, "assessor": a("i")}) == 403  # R as another assessor
        assert xsrf_post(page, url, form) == 302  # the same post as herself is recorded
