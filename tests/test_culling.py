"""The idle culler's configuration, read by the real jupyterhub-idle-culler (no hub needed).

The hub test (test_hub_culling.py) shows the culler stopping idle servers; this one shows
that the culler loads the course's decision (the exam-session hook) and what it decides.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from course.hub import culling
from course.hub.culling import account_of, activity_interval, spare_exam_sessions
from course.hub.state import HubSettings, HubState


def test_the_culler_loads_the_courses_decision_from_its_config():
    from jupyterhub_idle_culler import IdleCuller

    culler = IdleCuller()
    culler.load_config_file(str(Path(culling.__file__).with_name("idle_culler_config.py")))
    assert culler.cull_arbiter_hook is spare_exam_sessions


def test_the_decision_is_the_timeout_while_no_exam_session_is_open(tmp_path, monkeypatch):
    HubState.at(tmp_path).save_settings(HubSettings())
    monkeypatch.setenv("MESOCOURSE_HUB_STATE", str(tmp_path))
    server = {"name": "", "url": "/user/ann/", "ready": True}
    assert spare_exam_sessions(inactive=timedelta(minutes=61), inactive_limit=3600, server=server) is True
    assert spare_exam_sessions(inactive=timedelta(minutes=59), inactive_limit=3600, server=server) is False


@pytest.mark.parametrize(("url", "account"), [("/user/ann/", "ann"), ("/prefix/user/bo-1/named/", "bo-1"),
                                              ("/user/a%40b/", "a@b"), ("", "")])
def test_the_account_of_a_server_comes_from_its_url(url, account):
    assert account_of({"url": url}) == account


@pytest.mark.parametrize(("minutes", "seconds"), [(60, 300), (10, 150), (0.5, 7), (0.05, 5), (0, 300)])
def test_servers_report_activity_four_times_per_timeout_at_most_every_five_minutes(minutes, seconds):
    assert activity_interval(HubSettings(cull_idle_minutes=minutes)) == seconds


def test_a_trainee_sitting_an_exam_is_never_culled_until_the_session_closes(tmp_path, monkeypatch):
    """`hub exam open` names who sits it now (course.hub.exams); the culler spares exactly them."""
    import json

    from course.hub.exams import close_session, open_session

    state = HubState.at(tmp_path)
    state.save_settings(HubSettings())
    people = {"instructors": {}, "trainees": {who: {"name": who.title(), "email": ""} for who in ("ann", "bob")}}
    state.accounts_file.write_text(json.dumps(people))
    monkeypatch.setenv("MESOCOURSE_HUB_STATE", str(tmp_path))
    idle = {"inactive": timedelta(minutes=61), "inactive_limit": 3600}
    open_session(state, "certification", 90)
    assert culling.in_open_exam_session(state) == {"ann", "bob"}
    assert spare_exam_sessions(**idle, server={"name": "", "url": "/user/ann/"}) is False
    assert spare_exam_sessions(**idle, server={"name": "", "url": "/user/ines/"}) is True  # not sitting it
    close_session(state, "certification")
    assert culling.in_open_exam_session(state) == frozenset()
    assert spare_exam_sessions(**idle, server={"name": "", "url": "/user/ann/"}) is True
