"""``mesocourse hub warm``: a group's servers started before the class logs in.

A real hub with an instructor and three trainees. The instructor puts A and B in a
group ``morning``; ``warm --group morning`` starts A's and B's servers and nobody
else's, and says that B (never logged in, still on the one-time password) cannot be
warmed. A then logs in and reaches her ready server: the hub starts nothing (the
server's start time is unchanged, and JupyterHub logs no new spawn). Every account
and process is removed at the end (checked). Needs root; skips otherwise.
"""

from __future__ import annotations

import pytest
from hub_support import course_hub_left_clean, hub_command, log_in_over_http, server_ready

from course.hub.hub_api import HubAPI

pytestmark = [pytest.mark.hub, pytest.mark.slow]
PEOPLE = {"i": "Ines Tructor", "a": "Ann Early", "b": "Bo Never", "c": "Cy Afternoon"}


@pytest.fixture(scope="module")
def hub():
    from prerequisites import course_server_missing, require

    require(course_server_missing())
    with course_hub_left_clean(PEOPLE) as running:
        yield running



def test_warm_starts_the_named_groups_servers_only_and_a_login_finds_its_server_ready(hub):
    a, b, c, i = (hub.account(role) for role in "abci")
    for person in (a, c, i):
        log_in_over_http(hub, person).get(f"{hub.url}/hub/logout", timeout=60)  # own passwords; no server yet
    admin = HubAPI.for_state(hub.state)
    admin.call("POST", "/groups/morning", {"users": [a, b]})
    assert not any(server_ready(hub, person) for person in (a, b, c, i))

    warmed = hub_command("warm", "--group", "morning", "--state", str(hub.state.root))
    assert "warmed 1 of 2 in group morning" in warmed.stdout, warmed.stdout
    assert f"one-time password (no server before the first login): {b}" in warmed.stdout, warmed.stdout
    assert server_ready(hub, a)
    # and its Assignments tab's server side loaded (course.hub.assignments_tab), before the class
    assert hub.log.read_text().count("Loading the assignment_list nbgrader serverextension") == 1
    grader = hub.state.settings().grader_account
    assert not any(server_ready(hub, person) for person in (b, c, i, grader))  # the group's, and no others

    started = admin.model(f"/users/{a}")["servers"][""]["started"]
    log_lines = len(hub.log.read_text().splitlines())
    session = log_in_over_http(hub, a)
    lab = session.get(f"{hub.url}/hub/", timeout=60)  # where the login form sends her
    assert lab.status_code == 200 and lab.url.startswith(f"{hub.url}/user/{a}/"), lab.url
    assert admin.model(f"/users/{a}")["servers"][""]["started"] == started  # the same server, not a new one
    after_login = hub.log.read_text().splitlines()[log_lines:]
    assert not [line for line in after_login if "Spawning" in line or "/hub/spawn" in line], after_login

    again = hub_command("warm", "--group", "morning", "--state", str(hub.state.root))
    assert "warmed 0 of 2 in group morning (1 already running)" in again.stdout, again.stdout


def test_warm_refuses_a_group_the_hub_does_not_have(hub):
    refused = hub_command("warm", "--group", "no-such-group", "--state", str(hub.state.root), check=False)
    assert refused.returncode == 2 and "no group 'no-such-group'" in refused.stderr + refused.stdout
