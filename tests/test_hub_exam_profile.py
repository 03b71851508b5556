"""The exam profile on a real hub: while her exam is open, a trainee's server has no terminal, no
kernel but the exam kernel, and nothing outside the exam's folder; after close, a terminal again.

A real JupyterHub (``mesocourse hub``) in a throwaway folder with real accounts; the session is
opened and closed with the real ``mesocourse hub exam`` command, which restarts her running server
through the hub. Her server is reached through the hub's proxy with a token of her own, as her
browser's JupyterLab reaches it. Every account and process is removed at the end (checked).
"""

from __future__ import annotations

import pytest
from hub_support import TraineeServer, exam_hub, hub_command, trainee_submits

from course.exam_kernel import KERNEL_NAME
from course.hub.exams import read_exam_log
from course.hub.passwords import forget_one_time
from course.hub.welcome import WELCOME

pytestmark = [pytest.mark.hub, pytest.mark.slow]
PEOPLE = {"i": "Ines Tructor", "a": "Ann Examinee"}


@pytest.fixture(scope="module")
def hub():
    with exam_hub(PEOPLE) as running:
        yield running


def test_an_open_exam_restricts_her_server_and_close_gives_it_back(hub):
    trainee = hub.account("a")
    forget_one_time(hub.state, trainee)  # she chose her own password (test_hub_passwords covers how)
    server = TraineeServer(hub, trainee)
    server.api.call("POST", f"/users/{trainee}/server")
    server.wait_ready()
    assert server.terminal_opens(), "the normal profile has terminals"
    assert server.call("GET", f"/contents/{WELCOME}")[0] == 200, "her home is her server's root"

    opened = hub_command("exam", "open", "certification", "--minutes", "60", "--state", str(hub.state.root))
    assert f"restarted the running servers of {trainee}" in opened.stdout
    server.wait_ready()
    status, answer = server.call("POST", "/terminals")
    assert status in (403, 404), f"a terminal in an exam: {status} {answer}"
    status, answer = server.call("POST", "/kernels", {"name": "python3"})
    assert status == 403 and "only the exam kernel" in str(answer), (status, answer)
    status, specs = server.call("GET", "/kernelspecs")
    assert status == 200 and isinstance(specs, dict) and set(specs["kernelspecs"]) == {KERNEL_NAME}
    status, listing = server.call("GET", "/contents")
    assert status == 200 and isinstance(listing, dict)
    names = {entry["name"] for entry in listing["content"]}
    assert "certification.ipynb" in names and WELCOME not in names, names
    assert server.call("GET", f"/contents/{WELCOME}")[0] == 404
    assert server.call("GET", f"/contents/%2E%2E/{WELCOME}")[0] == 404
    during = trainee_submits(hub, trainee, server.token)
    assert during.returncode == 0, during.stdout[-1500:] + during.stderr[-1500:]  # before her end: accepted
    events = [(entry["event"], entry.get("trainee")) for entry in read_exam_log(hub.state)]
    assert events[:2] == [("open", None), ("start", trainee)], events

    closed = hub_command("exam", "close", "certification", "--state", str(hub.state.root))
    assert f"restarted the running servers of {trainee}" in closed.stdout
    server.wait_ready()
    assert server.terminal_opens(), "after close, the normal profile has terminals again"
    assert [entry["event"] for entry in read_exam_log(hub.state)][-2:] == ["close", "hand-in"]
    inbox = hub.state.exchange / hub.state.settings().course_id / "inbound"
    handed = [entry for entry in inbox.iterdir() if entry.name.startswith(f"{trainee}+certification+")]
    assert len(handed) == 2, handed  # hers during the exam, and the hub's at the end
    assert all((entry / "certification.ipynb").is_file() and (entry / "timestamp.txt").is_file() for entry in handed)
    late = trainee_submits(hub, trainee, server.token)
    assert late.returncode != 0 and "a later hand-in is refused" in late.stdout + late.stderr
    assert len([entry for entry in inbox.iterdir() if entry.name.startswith(f"{trainee}+")]) == 2
