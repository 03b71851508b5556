"""The course's JupyterLab extension: its committed build, how JupyterLab finds it, and the exam clock's server side.

The build (``course/hub/labextension``) must be the build of the TypeScript sources in
``course/hub/lab`` (``tools/labextension.py --check``, run by ``make lint``); each role's
JupyterLab finds it through the ``jupyter_lab_config.json`` the hub writes
(``course.hub.layout.lab_config``), checked with the real ``jupyter labextension list``; the
exam profile's server extension (``course.hub.exam_clock``) runs in a real ``jupyter server``.
What the plugins do in the browser is tested on a real hub in Chromium:
tests/test_hub_console.py ("view feedback") and tests/test_hub_exam_profile.py (the clock).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from browser_support import jupyter_call, jupyter_server

from course.hub.exam_clock import ASSIGNMENT_ENV, END_ENV, ROUTE, exam_times
from course.hub.layout import LAB_EXTENSIONS, lab_config, page_config, server_extensions

ROOT = Path(__file__).resolve().parents[1]
JUPYTER = str(Path(sys.executable).parent / "jupyter")
TOKEN = "course-test-token"


def labextension_tool():
    spec = importlib.util.spec_from_file_location("labextension_tool", ROOT / "tools" / "labextension.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_build_is_of_the_current_sources() -> None:
    assert labextension_tool().check() is None


def test_a_changed_source_fails_the_check_naming_the_build(tmp_path: Path) -> None:
    tool = labextension_tool()
    sources, built = tmp_path / "lab", tmp_path / "labextension" / "mesocourse-lab"
    shutil.copytree(tool.SOURCES, sources, ignore=shutil.ignore_patterns("node_modules", "lib"))
    shutil.copytree(tool.BUILT, built)
    assert tool.check(sources, built) is None
    clock = sources / "src" / "clock.ts"
    clock.write_text(clock.read_text().replace("Time left", "Time remaining"))
    problem = tool.check(sources, built)
    assert problem is not None and str(built) in problem and "src/clock.ts" in problem
    (built / "package.json").unlink()
    assert "the built extension is missing" in str(tool.check(sources, built))


def test_every_role_finds_the_extension_through_the_config_the_hub_writes(tmp_path: Path) -> None:
    (tmp_path / "jupyter_lab_config.json").write_text(json.dumps(lab_config()))
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(tmp_path), "JUPYTER_CONFIG_DIR": str(tmp_path),
           "NO_COLOR": "1"}
    listed = subprocess.run([JUPYTER, "labextension", "list"], env=env, capture_output=True, text=True, timeout=120)
    text = listed.stdout + listed.stderr
    assert str(LAB_EXTENSIONS) in text and "mesocourse-lab v" in text, text
    line = next(line for line in text.splitlines() if "mesocourse-lab" in line)
    assert "enabled" in line and "OK" in line, line


def test_each_plugin_is_told_where_its_server_side_is_only_in_its_role() -> None:
    assert page_config("trainee")["mesocourseFeedbackUrl"] == "/services/course/feedback/"
    assert page_config("exam")["mesocourseExamClock"] == ROUTE
    assert "mesocourseExamClock" not in page_config("trainee")
    assert not {"mesocourseFeedbackUrl", "mesocourseExamClock"} & set(page_config("grader"))
    assert server_extensions("exam")["course.hub.exam_clock"] is True
    assert "course.hub.exam_clock" not in server_extensions("trainee")


def test_exam_times_come_from_the_environment_and_a_bad_end_is_named() -> None:
    assert exam_times({}) is None
    assert exam_times({END_ENV: "2027-01-12T10:30:00+00:00"}) is None  # no assignment: not an exam server
    times = exam_times({END_ENV: "2027-01-12T10:30:00+00:00", ASSIGNMENT_ENV: "certification"})
    assert times == {"assignment": "certification", "end": "2027-01-12T10:30:00+00:00"}
    with pytest.raises(ValueError, match=END_ENV):
        exam_times({END_ENV: "half past ten", ASSIGNMENT_ENV: "certification"})


def config_env(tmp_path: Path, config: dict[str, dict], env: dict[str, str] | None = None) -> dict[str, str]:
    """An environment whose only Jupyter config is ``config`` (file name to content), written in ``tmp_path``."""
    folder = tmp_path / "config"
    folder.mkdir()
    for name, content in config.items():
        (folder / name).write_text(json.dumps(content))
    return {**os.environ, "JUPYTER_CONFIG_DIR": str(folder), "JUPYTER_CONFIG_PATH": str(folder),
            "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), **(env or {})}


@pytest.mark.slow
def test_the_exam_server_answers_her_end_to_her_only(tmp_path: Path) -> None:
    """A real jupyter server with the exam clock's extension, as the exam profile starts it."""
    end = "2027-01-12T10:30:00+00:00"
    config = {"jupyter_server_config.json": {"ServerApp": {"jpserver_extensions": {"course.hub.exam_clock": True}}}}
    env = config_env(tmp_path, config, {END_ENV: end, ASSIGNMENT_ENV: "certification"})
    with jupyter_server(tmp_path, tmp_path, env, TOKEN) as address:
        url = f"{address}/{ROUTE}"
        status, answer = jupyter_call(url, TOKEN, "GET")
        assert status == 200, (status, answer, (tmp_path / "server.log").read_text()[-2000:])
        assert answer["assignment"] == "certification" and answer["end"] == end
        assert abs((datetime.fromisoformat(answer["now"]) - datetime.now(datetime.fromisoformat(end).tzinfo))
                   .total_seconds()) < 60
        assert jupyter_call(url, "not-her-token", "GET")[0] == 403


@pytest.mark.slow
def test_jupyterlab_on_the_course_server_installs_no_extension(tmp_path: Path) -> None:
    """JupyterLab with the config the hub writes: its extension manager is read-only, and an install is refused."""
    env = config_env(tmp_path, {"jupyter_lab_config.json": lab_config()})
    with jupyter_server(tmp_path, tmp_path, env, TOKEN, app="jupyterlab") as address:
        page = urllib.request.urlopen(f"{address}/lab?token={TOKEN}", timeout=60).read().decode()
        data = page.split('id="jupyter-config-data" type="application/json">', 1)[1]
        settings = json.loads(data.split("</script>", 1)[0])
        assert settings["extensionManager"]["name"] == "read-only", settings["extensionManager"]
        assert "Extension Manager is 'readonly'" in (tmp_path / "server.log").read_text()
        status, answer = jupyter_call(f"{address}/lab/api/extensions", TOKEN, "POST",
                                      {"cmd": "install", "extension_name": "jupyterlab-spellchecker"})
        assert status != 200 or answer.get("status") == "error", (status, answer)
