"""The exam profile on a real hub: while her exam is open, a trainee's server has no terminal, no
kernel but the exam kernel, nothing outside the exam's folder (a link to her home included) and no
upload, each refused with 403 and logged as a ``refused`` event for her through the course service
(which takes no report about another trainee, nor outside her exam); after close, a terminal again.

A real JupyterHub (``mesocourse hub``) in a throwaway folder with real accounts; the session is
opened and closed with the real ``mesocourse hub exam`` command, which restarts her running server
through the hub. Her server is reached through the hub's proxy with a token of her own, as her
browser's JupyterLab reaches it. Every account and process is removed at the end (checked).
"""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest
from browser_support import jupyter_call
from hub_support import TraineeServer, exam_hub, hub_command, trainee_submits, wait_until

from course.exam_kernel import KERNEL_NAME
from course.hub.exams import read_exam_log
from course.hub.passwords import forget_one_time
from course.hub.spawner import exam_folder
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

    early = exam_folder(hub.state, trainee, "certification")  # as if fetched early, with a crib sheet in it
    early.mkdir(parents=True)
    (early / "crib.txt").write_text("answers worked out before the exam\n")
    for path in (early.parent, early, early / "crib.txt"):
        shutil.chown(path, trainee, trainee)

    opened = hub_command("exam", "open", "certification", "--minutes", "60", "--state", str(hub.state.root))
    assert f"restarted the running servers of {trainee}" in opened.stdout
    server.wait_ready()
    status, answer = server.call("POST", "/terminals")
    assert status == 403, f"a terminal in an exam: {status} {answer}"
    status, answer = server.call("POST", "/kernels", {"name": "python3"})
    assert status == 403 and "only the exam kernel" in str(answer), (status, answer)
    status, specs = server.call("GET", "/kernelspecs")
    assert status == 200 and isinstance(specs, dict) and set(specs["kernelspecs"]) == {KERNEL_NAME}
    status, listing = server.call("GET", "/contents")
    assert status == 200 and isinstance(listing, dict)
    names = {entry["name"] for entry in listing["content"]}
    assert "certification.ipynb" in names and WELCOME not in names and "crib.txt" not in names, names
    start = next(entry for entry in read_exam_log(hub.state) if entry["event"] == "start")
    assert (Path(start["set_aside"]) / "crib.txt").is_file()  # set aside at her first start, out of the exam's reach
    assert server.call("GET", f"/contents/{WELCOME}")[0] == 404
    validate = f"{hub.url}/user/{trainee}/assignments/validate"  # nbgrader's validator: a kernel of its own
    assert jupyter_call(validate, server.token, "POST", {"path": "certification.ipynb"})[0] == 404
    assert server.call("GET", f"/contents/%2E%2E%2F{WELCOME}")[0] == 403  # "../" (a plain .. is normalised away)
    upload = {"type": "file", "format": "base64", "content": base64.b64encode(b"crib sheet").decode()}
    assert server.call("PUT", "/contents/crib.txt", upload)[0] == 403
    during = trainee_submits(hub, trainee, server.token)
    assert during.returncode == 0, during.stdout[-1500:] + during.stderr[-1500:]  # before her end: accepted
    home_link = exam_folder(hub.state, trainee, "certification") / "home"
    home_link.symlink_to(hub.state.home(trainee))  # as code in her exam kernel could make one
    assert server.call("GET", "/contents/home")[0] == 403
    assert jupyter_call(f"{hub.url}/user/{trainee}/files/home/{WELCOME}", server.token, "GET")[0] == 403
    events = [(entry["event"], entry.get("trainee")) for entry in read_exam_log(hub.state)]
    assert events[:2] == [("open", None), ("start", trainee)], events
    refused_logged = {"terminal", "kernel", "path", "upload"}
    wait_until(lambda: refused_logged <= {entry["what"] for entry in refusals(hub, trainee)}, 60,
               "her server's refusals in the exam log")
    assert all(set(entry) == {"time", "event", "trainee", "what", "detail"} for entry in refusals(hub, trainee))
    assert report(hub, server.token, {"what": "path", "detail": "x", "trainee": hub.account("i")})[0] == 403
    assert report(hub, server.token, {"what": "hand-in", "detail": "forged"})[0] == 400
    logged = len(read_exam_log(hub.state))

    closed = hub_command("exam", "close", "certification", "--state", str(hub.state.root))
    assert f"restarted the running servers of {trainee}" in closed.stdout
    server.wait_ready()
    assert server.terminal_opens(), "after close, the normal profile has terminals again"
    assert [entry["event"] for entry in read_exam_log(hub.state)][-2:] == ["close", "hand-in"]
    inbox = hub.state.exchange / hub.state.settings().course_id / "inbound"
    handed = [entry for entry in inbox.iterdir() if entry.name.startswith(f"{trainee}+certification+")]
    assert len(handed) == 2, handed  # hers during the exam, and the hub's at the end
    assert all((entry / "certification.ipynb").is_file() and (entry / "timestamp.txt").is_file() for entry in handed)
    assert not any((entry / "home").exists() for entry in handed), "the hub's hand-in followed a link out of the exam"
    assert report(hub, server.token, {"what": "path", "detail": "after the exam"})[0] == 409
    assert len(read_exam_log(hub.state)) == logged + 2  # the close and the hand-in only: no forged report
    late = trainee_submits(hub, trainee, server.token)
    assert late.returncode != 0 and "a later hand-in is refused" in late.stdout + late.stderr
    assert len([entry for entry in inbox.iterdir() if entry.name.startswith(f"{trainee}+")]) == 2


def refusals(hub, trainee: str) -> list[dict]:
    return [entry for entry in read_exam_log(hub.state) if entry["event"] == "refused" and entry["trainee"] == trainee]


def report(hub, token: str, body: dict) -> tuple[int, dict]:
    """A refusal report to the course service, as her server sends it (course.exam_refusals)."""
    return jupyter_call(f"{hub.url}/services/course/exam/refused", token, "POST", body)
