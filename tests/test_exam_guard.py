"""The exam profile's guard on a real Jupyter server: no terminal, no other kernel, nothing outside the
exam's folder (symbolic links included), no upload; and the exam kernel in the Landlock sandbox.

A real ``jupyter server`` configured as the hub configures a trainee's server in the exam profile
(``course.hub.layout``: the trainee's config, then :func:`exam_profile_config` and the
``course.hub.exam_guard`` extension), with a throwaway home whose exam folder is the server's root,
as the spawner makes it. Kernels are real kernel processes started through ``kernel_launcher.py``.
Each refusal is reported, with the server's token, to where the course service would be (a small
receiver here); the service itself, and the exam log, are tested on a real hub
(``tests/test_hub_exam_profile.py``, ``tests/test_hub_exam_browser.py``).
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from browser_support import jupyter_call, jupyter_server, run_in_kernel
from hub_support import wait_until

import course
from course.exam_kernel import KERNEL_NAME, write_kernelspec
from course.exam_reports import REPORT_URL_ENV
from course.grading.kernel_launcher import landlock_abi
from course.hub.layout import exam_profile_config, exam_server_config

pytestmark = [pytest.mark.slow]
TOKEN = "exam-guard-test"
PACKAGE = Path(course.__file__).resolve().parent
PLANTED = (".jupyter", ".local/share/jupyter", ".cache/matplotlib", ".config/matplotlib", ".cache/fontconfig",
           ".cache/mesocourse-exam", ".ipython/profile_default")


class Server:
    def __init__(self, url: str, home: Path, reports: list[dict]) -> None:
        self.url, self.home, self.reports = url, home, reports

    def reported(self, what: str, detail: str) -> bool:
        """Whether the server (or its exam kernel) reported a refused ``what`` whose detail holds ``detail``."""
        wait_until(lambda: any(r["what"] == what and detail in r["detail"] for r in self.reports), 30,
                   f"a report of the refused {what} {detail}", every=0.1)
        return True

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        return jupyter_call(f"{self.url}{path}", TOKEN, method, body, timeout=120)


@contextlib.contextmanager
def report_receiver() -> Iterator[tuple[str, list[dict]]]:
    """Where the server reports its refusals, standing in for the course service (tested on a real hub in
    tests/test_hub_exam_profile.py): records each report's JSON body and the token it came with."""
    reports: list[dict] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            reports.append({**body, "token": self.headers["Authorization"]})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{receiver.server_address[1]}/services/course/exam/", reports
    finally:
        receiver.shutdown()
        receiver.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("exam-guard")
    home = base / "home"
    exam = home / "mesocourse" / "certification"
    exam.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), exam / "certification.ipynb")
    (home / "notes.txt").write_text("her own notes, outside the exam\n")
    for folder in PLANTED:  # where she could have put a crib sheet before the exam, which a kernel reads or writes
        (home / folder).mkdir(parents=True)
        (home / folder / "crib.txt").write_text("the knowledge base, copied before the exam\n")
    (exam / "home").symlink_to(home)  # as the exam kernel could make one
    write_kernelspec(base / "share" / "kernels")
    config = exam_server_config("mesocourse")
    config["ServerApp"]["jpserver_extensions"] = {"course.hub.exam_guard": True}
    profile = exam_profile_config()
    config["ServerApp"].update(profile.pop("ServerApp"))
    config.update(profile)
    (base / "config").mkdir()
    (base / "config" / "jupyter_server_config.json").write_text(json.dumps(config))
    env = {**os.environ, "HOME": str(home), "JUPYTER_PATH": str(base / "share"),
           "JUPYTER_CONFIG_DIR": str(base / "config"), "JUPYTER_CONFIG_PATH": str(base / "config"),
           "JUPYTER_RUNTIME_DIR": str(base / "runtime")}
    for name in ("MESOCOURSE_EXAM", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "MPLCONFIGDIR", "IPYTHONDIR"):
        env.pop(name, None)
    with report_receiver() as (report_url, reports):
        env.update({REPORT_URL_ENV: report_url, "JUPYTERHUB_API_TOKEN": "her-server-token"})
        with jupyter_server(base, exam, env, TOKEN) as url:
            yield Server(url, home, reports)


def test_terminals_consoles_and_other_kernels_are_refused_with_403(server: Server) -> None:
    for method in ("POST", "GET"):
        status, answer = server.call(method, "/api/terminals")
        assert status == 403 and "no terminal during an exam" in answer.get("message", ""), (method, status, answer)
    status, answer = server.call("POST", "/api/kernels", {"name": "python3"})
    assert status == 403 and "only the exam kernel" in answer["message"], answer
    status, answer = server.call("POST", "/api/sessions", {"path": "console-1", "type": "console", "name": "",
                                                           "kernel": {"name": KERNEL_NAME}})
    assert status == 403 and "no console here" in answer["message"], answer  # not even on the exam kernel
    assert server.reported("terminal", "POST /api/terminals") and server.reported("kernel", "not python3")
    assert server.reported("kernel", "no console here")
    assert {report["token"] for report in server.reports} == {"token her-server-token"}


def test_nothing_outside_the_exam_folder_is_listed_or_served_even_through_a_link(server: Server) -> None:
    status, listing = server.call("GET", "/api/contents")
    assert status == 200 and {entry["name"] for entry in listing["content"]} == {"certification.ipynb"}
    for path in ("/api/contents/%2E%2E", "/api/contents/home", "/api/contents/home/notes.txt",
                 "/files/home/notes.txt", "/nbconvert/html/home/notes.txt", "/api/contents/%2E%2E/%2E%2E/notes.txt"):
        status, answer = server.call("GET", path)
        assert status == 403, (path, status, answer)
        assert "her own notes" not in json.dumps(answer)
        assert server.reported("path", f"GET {path}")


def test_uploads_and_new_files_are_refused_and_saving_the_exam_notebook_is_not(server: Server) -> None:
    upload = {"type": "file", "format": "base64", "content": base64.b64encode(b"crib sheet").decode()}
    for method, path, body in (
            ("PUT", "/api/contents/crib.txt", upload),
            ("PUT", "/api/contents/certification.ipynb", {**upload, "name": "certification.ipynb"}),
            ("PUT", "/api/contents/crib.txt", {"type": "file", "format": "text", "content": "crib"}),
            ("POST", "/api/contents", {"type": "notebook"}),
            ("POST", "/api/contents", {"copy_from": "certification.ipynb"}),
            ("PUT", "/api/contents/home/crib.txt", {"type": "file", "format": "text", "content": "crib"})):
        status, answer = server.call(method, path, body)
        assert status == 403, (method, path, status, answer)
        assert server.reported("upload", f"{method} {path}")
    exam = server.home / "mesocourse" / "certification"
    made = [path.name for path in exam.iterdir() if path.name.startswith(("crib", "Untitled", "certification-Copy"))]
    assert made == [] and not (server.home / "crib.txt").exists()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("my answer")])
    status, saved = server.call("PUT", "/api/contents/certification.ipynb",
                                {"type": "notebook", "format": "json", "content": notebook})
    assert status == 200, saved
    assert "my answer" in (exam / "certification.ipynb").read_text()


@pytest.mark.skipif(landlock_abi() < 1, reason="this Linux kernel has no Landlock: the exam kernel runs unconfined")
def test_the_exam_kernel_reads_the_environment_and_its_folder_but_not_the_knowledge_base_nor_her_home(
        server: Server) -> None:
    status, session = server.call("POST", "/api/sessions", {"path": "certification.ipynb", "type": "notebook",
                                                            "name": "certification.ipynb",
                                                            "kernel": {"name": KERNEL_NAME}})
    assert status == 201 and session["kernel"]["name"] == KERNEL_NAME, session
    kernel = session["kernel"]["id"]

    def run(code: str) -> str:
        return run_in_kernel(f"{server.url}/api", TOKEN, kernel, code)

    works = ("from course.assignments.check import checker\nfrom course.assignments.grader import visible_test\n"
             "import matplotlib.pyplot as plt, pandas\nplt.plot([1, 2])\nopen('scratch.txt', 'w').write('x')")
    assert run(works) == "ok"
    planted = [server.home / folder / "crib.txt" for folder in PLANTED]
    for forbidden in (PACKAGE / "knowledge" / "data" / "screening.yaml", PACKAGE / "screening.py",
                      PACKAGE / "depth.py", server.home / "notes.txt", *planted):
        outcome = run(f"open({str(forbidden)!r}).read()")
        assert outcome.startswith("PermissionError"), (forbidden, outcome)
        assert server.reported("file", f"{forbidden}: Permission denied")
    assert run(f"import os; os.listdir({str(server.home)!r})").startswith("PermissionError")
    assert run(f"open({str(server.home / 'planted.txt')!r}, 'w')").startswith("PermissionError")
    assert not (server.home / "planted.txt").exists()
    assert (server.home / "mesocourse" / "certification" / "scratch.txt").read_text() == "x"
    scratch = list((server.home / ".cache" / "mesocourse-exam").glob("kernel-*"))
    assert len(scratch) == 1 and (scratch[0] / "matplotlib").is_dir()  # the kernel's caches: its own folder
    server.call("DELETE", f"/api/sessions/{session['id']}")
    wait_until(lambda: not scratch[0].exists(), 30, "the kernel's scratch folder removed when it ends")
