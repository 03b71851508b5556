"""Under the hub, a notebook in an exam assignment's folder gets the exam kernel, whatever it asks for.

A real ``jupyter server`` on a free port, in a throwaway root folder, configured as the
hub configures a trainee's server (``course.hub.layout.exam_server_config``, with the
exam folder ``certification``), with the exam kernelspec in a throwaway Jupyter data
folder. Every request goes through jupyter_server's REST API as JupyterLab sends it, and
every kernel is a real kernel process.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from browser_support import jupyter_call, jupyter_server

from course.exam_kernel import KERNEL_NAME, write_kernelspec
from course.hub.layout import exam_server_config

pytestmark = [pytest.mark.slow]
TOKEN = "exam-kernels-test"


class Server:
    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        return jupyter_call(f"{self.url}{path}", TOKEN, method, body, timeout=120)

    def open_notebook(self, path: str, kernel: dict) -> tuple[int, dict]:
        """What JupyterLab sends when it opens a notebook with a kernel."""
        return self.call("POST", "/api/sessions", {"path": path, "type": "notebook", "name": Path(path).name,
                                                   "kernel": kernel})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("exam-kernels")
    root = base / "home"
    for folder in ("certification", "notes"):
        (root / folder).mkdir(parents=True)
        nbformat.write(nbformat.v4.new_notebook(), root / folder / "x.ipynb")
    (root / "shortcut").symlink_to(root / "certification")
    write_kernelspec(base / "share" / "kernels")
    exam = exam_server_config("mesocourse")
    exam["ExamKernelManager"]["exam_folders"] = ["certification"]  # the hub's would be mesocourse/certification
    config = base / "config"
    config.mkdir()
    (config / "jupyter_server_config.json").write_text(json.dumps(exam))
    env = {**os.environ, "JUPYTER_PATH": str(base / "share"), "JUPYTER_CONFIG_DIR": str(config),
           "JUPYTER_CONFIG_PATH": str(config), "JUPYTER_RUNTIME_DIR": str(base / "runtime")}
    env.pop("MESOCOURSE_EXAM", None)
    with jupyter_server(base, root, env, TOKEN) as url:
        yield Server(url)


def test_a_notebook_in_an_exam_folder_gets_the_exam_kernel_and_others_keep_theirs(server: Server) -> None:
    status, exam = server.open_notebook("certification/x.ipynb", {"name": "python3"})
    assert status == 201 and exam["kernel"]["name"] == KERNEL_NAME, exam
    status, notes = server.open_notebook("notes/x.ipynb", {"name": "python3"})
    assert status == 201 and notes["kernel"]["name"] == "python3", notes
    status, kernel = server.call("POST", "/api/kernels", {"name": "python3", "path": "certification"})
    assert status == 201 and kernel["name"] == KERNEL_NAME
    status, kernel = server.call("POST", "/api/kernels", {"name": "python3", "path": "shortcut"})  # a link to it
    assert status == 201 and kernel["name"] == KERNEL_NAME
    status, kernel = server.call("POST", "/api/kernels", {"name": "python3", "path": "notes"})
    assert status == 201 and kernel["name"] == "python3"


def test_changing_an_exam_notebooks_kernel_is_refused_so_its_label_stays_true(server: Server) -> None:
    """Kernel > Change Kernel -> Python 3 is refused (JupyterLab would show "Python 3" while the
    exam kernel runs); a new exam kernel may still be asked for."""
    status, exam = server.open_notebook("certification/change.ipynb", {"name": KERNEL_NAME})
    assert status == 201 and exam["kernel"]["name"] == KERNEL_NAME
    status, refused = server.call("PATCH", f"/api/sessions/{exam['id']}", {"kernel": {"name": "python3"}})
    assert status >= 400 and "cannot be changed to python3" in refused["message"], refused  # JupyterLab shows it
    assert server.call("GET", f"/api/sessions/{exam['id']}")[1]["kernel"]["id"] == exam["kernel"]["id"]
    status, changed = server.call("PATCH", f"/api/sessions/{exam['id']}", {"kernel": {"name": KERNEL_NAME}})
    assert status == 200
    assert changed["kernel"]["name"] == KERNEL_NAME and changed["kernel"]["id"] != exam["kernel"]["id"]


def test_an_exam_notebook_cannot_use_another_notebooks_ordinary_kernel(server: Server) -> None:
    _, notes = server.open_notebook("notes/other.ipynb", {"name": "python3"})
    ordinary = notes["kernel"]["id"]
    _, exam = server.open_notebook("certification/reuse.ipynb", {"name": KERNEL_NAME})
    status, refused = server.call("PATCH", f"/api/sessions/{exam['id']}", {"kernel": {"id": ordinary}})
    assert status == 403 and "exam kernel" in refused["message"], refused
    assert server.call("GET", f"/api/sessions/{exam['id']}")[1]["kernel"]["id"] == exam["kernel"]["id"]
    status, refused = server.open_notebook("certification/attach.ipynb", {"id": ordinary})
    assert status >= 400 and "exam kernel" in refused["message"], refused
    status, refused = server.call("PATCH", f"/api/sessions/{notes['id']}", {"path": "certification/moved.ipynb"})
    assert status == 403 and "exam kernel" in refused["message"], refused
    sessions = {s["path"]: s["kernel"]["name"] for s in server.call("GET", "/api/sessions")[1]}
    assert "certification/attach.ipynb" not in sessions and "certification/moved.ipynb" not in sessions
    assert {name for path, name in sessions.items() if path.startswith("certification/")} == {KERNEL_NAME}
