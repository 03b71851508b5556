"""Helpers for the course-server tests: a real hub in a throwaway folder, with real accounts.

Everything goes through the real ``mesocourse hub`` command (as an administrator
would type it); every account and process made is removed at the end.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from browser_support import free_port, jupyter_call

from course.hub.state import HubState

MESOCOURSE = str(Path(sys.executable).parent / "mesocourse")
ARTIFACTS = Path(os.environ.get("MESOCOURSE_ARTIFACTS", Path(__file__).parents[1] / "test-artifacts")) / "hub"
TIMEOUT_MS = 240_000


def hub_command(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([MESOCOURSE, "hub", *args], capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"mesocourse hub {' '.join(args)} failed ({result.returncode}):\n"
                             f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def one_time_passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\S+)\s+one-time password: (\S+)", output, flags=re.MULTILINE))


@dataclass
class CourseHub:
    """A running hub: its folder, address, people and their passwords."""

    state: HubState
    url: str
    tag: str
    passwords: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def log(self) -> Path:
        return self.state.root / "hub-test.log"

    def account(self, role: str) -> str:
        return f"{role}{self.tag}"

    def start(self) -> None:
        with self.log.open("a") as sink:
            self.process = subprocess.Popen([MESOCOURSE, "hub", "--state", str(self.state.root)],
                                            stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited with {self.process.returncode}:\n{self.log.read_text()[-4000:]}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/hub/api/", timeout=3):
                    if "JupyterHub is now running" in self.log.read_text():
                        return
            time.sleep(0.5)
        raise RuntimeError(f"the hub did not answer within 180 s:\n{self.log.read_text()[-4000:]}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        """Stop the hub as an administrator would (Ctrl-C is SIGINT, kill is SIGTERM)."""
        assert self.process is not None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait()


def write_roster(hub: CourseHub, path: Path, people: dict[str, str]) -> Path:
    path.write_text("id,name,email\n" + "".join(f"{hub.account(role)},{name},{role}{hub.tag}@example.org\n"
                                                for role, name in people.items()))
    return path


@contextlib.contextmanager
def course_hub(people: dict[str, str], enrol_while_running: tuple[str, ...] = (),
               settings: tuple[str, ...] = ()) -> Iterator[CourseHub]:
    """A hub in a fresh folder with an instructor (role ``i``) and trainees (other roles).

    ``people`` maps a role to a full name; account ids are the role plus a
    random tag, so parallel or leftover runs never collide. The trainees in
    ``enrol_while_running`` are enrolled once the hub runs (through its API).
    ``settings``: more options of ``mesocourse hub`` kept in hub.json (``--cull-idle 0.5``).
    """
    folder = Path(tempfile.mkdtemp(prefix="mesocourse-hub-"))
    os.chmod(folder, 0o755)  # people's accounts traverse it, as /srv would be
    tag = secrets.token_hex(3)
    port = free_port()
    hub = CourseHub(HubState.at(folder / "hub"), f"http://127.0.0.1:{port}", tag)
    common = ["--state", str(hub.state.root)]
    try:
        out = hub_command("add-instructor", hub.account("i"), "--name", people["i"], *common,
                          "--port", str(port), "--grader-account", f"g{tag}", *settings).stdout
        hub.passwords.update(one_time_passwords(out))
        trainees = {role: name for role, name in people.items() if role != "i"}
        first = write_roster(hub, folder / "roster.csv",
                             {role: name for role, name in trainees.items() if role not in enrol_while_running})
        hub.passwords.update(one_time_passwords(hub_command("add-trainees", str(first), *common).stdout))
        hub.start()
        if enrol_while_running:
            late = write_roster(hub, folder / "late.csv", {role: trainees[role] for role in enrol_while_running})
            hub.passwords.update(one_time_passwords(hub_command("add-trainees", str(late), *common).stdout))
        yield hub
    finally:
        if hub.process is not None and hub.process.poll() is None:
            hub.stop()
        proxy = hub.state.private / "jupyterhub-proxy.pid"  # left running when the hub dies abnormally
        if proxy.exists():
            with contextlib.suppress(ValueError, OSError):
                os.kill(int(proxy.read_text()), signal.SIGTERM)
        if hub.log.exists():
            artifacts = Path(os.environ.get("MESOCOURSE_ARTIFACTS", Path(__file__).parents[1] / "test-artifacts"))
            (artifacts / "hub").mkdir(parents=True, exist_ok=True)
            shutil.copy(hub.log, artifacts / "hub" / "jupyterhub.log")
        if hub.state.exists():
            hub_command("remove-accounts", *common, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def processes_of(name: str) -> list[str]:
    result = subprocess.run(["pgrep", "-u", name], capture_output=True, text=True) if account_exists(name) else None
    return result.stdout.split() if result else []


def new_page(browser):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def log_in(page, hub: CourseHub, account: str, next_path: str = "") -> None:
    """Log in as a person would; at the first login (the hub asks for it) choose an own password,
    then go on to ``next_path`` (default: the person's server)."""
    page.goto(f"{hub.url}/hub/login" + (f"?next={quote(next_path)}" if next_path else ""))
    page.fill("#username_input", account)
    page.fill("#password_input", hub.passwords[account])
    page.click("#login_submit")
    page.wait_for_url(lambda url: "/hub/login" not in url)
    if "/hub/change-password" in page.url:
        change_password(page, hub, account)
        page.goto(f"{hub.url}{next_path or '/hub/spawn'}")


def open_assignments(page) -> None:
    """JupyterLab's Nbgrader menu -> Assignment List: nbgrader's Assignments tab."""
    page.wait_for_selector("#jp-menu-panel div.lm-MenuBar-itemLabel:text('Nbgrader')")
    page.click("#jp-menu-panel div.lm-MenuBar-itemLabel:text('Nbgrader')")
    page.click("#jp-mainmenu-nbgrader li[data-command='nbgrader:open-assignment-list']")
    page.locator(".lm-TabBar-tab:has-text('Assignments')").first.click()  # in front, also when restored behind another
    page.wait_for_selector("#released_assignments_list")


def rows(page, listing: str, count: int, timeout: float | None = None):
    """The rows of one of the tab's lists ("released", "fetched", "submitted"), once there are ``count``."""
    page.click("#refresh_assignments_list")
    items = page.locator(f"#{listing}_assignments_list > .list_item")
    items.nth(count - 1).wait_for(timeout=timeout)
    return items


def change_password(page, hub: CourseHub, account: str) -> None:
    """Fill in the change-password page with a new password of the person's own."""
    chosen = f"own-{secrets.token_urlsafe(12)}"
    page.fill("#old_password_input", hub.passwords[account])
    page.fill("#new_password_input", chosen)
    page.fill("#new_password_confirmation_input", chosen)
    page.click("#signup_submit")
    page.get_by_text("changed successfully").wait_for()
    hub.passwords[account] = chosen


def log_in_over_http(hub: CourseHub, account: str):
    """A ``requests`` session logged in through the hub's login form, as a browser would; at the first
    login (one-time password) it chooses an own password on the change-password form first."""
    import requests

    session = requests.Session()
    session.get(f"{hub.url}/hub/login", timeout=120)
    form = {"username": account, "password": hub.passwords[account],
            "_xsrf": session.cookies.get("_xsrf", path="/hub/")}
    answer = session.post(f"{hub.url}/hub/login", data=form, allow_redirects=False, timeout=300)
    if answer.status_code != 302:
        raise RuntimeError(f"login of {account} answered {answer.status_code}")
    if answer.headers["Location"].endswith("/hub/change-password"):
        chosen = f"own-{secrets.token_urlsafe(12)}"
        change = {"old_password": hub.passwords[account], "new_password": chosen,
                  "new_password_confirmation": chosen, "_xsrf": session.cookies.get("_xsrf", path="/hub/")}
        page = session.post(f"{hub.url}/hub/change-password", data=change, timeout=300)
        if "changed successfully" not in page.text:
            raise RuntimeError(f"{account}: the change-password form did not accept the new password")
        hub.passwords[account] = chosen
    return session


def server_ready(hub: CourseHub, account: str) -> bool:
    from course.hub.hub_api import HubAPI

    return bool(HubAPI.for_state(hub.state).call("GET", f"/users/{account}")["servers"].get("", {}).get("ready"))


def wait_until(condition, timeout: float, what: str, every: float = 0.5) -> float:
    """Poll ``condition`` until it holds; returns the seconds waited, fails naming ``what``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(every)
    return time.monotonic() - started


def require_hub_in_chromium() -> None:
    """Skip the calling module without what the course server and Chromium need (fail under CI instead)."""
    from prerequisites import chromium_missing, course_server_missing, require

    require(course_server_missing() or chromium_missing(), module=True)


@contextlib.contextmanager
def course_hub_left_clean(people: dict[str, str], **options) -> Iterator[CourseHub]:
    """:func:`course_hub`, then a check that none of its accounts or their processes is left."""
    made: list[str] = []
    with course_hub(people, **options) as running:
        made = [running.account(role) for role in people] + [running.state.settings().grader_account]
        yield running
    assert [name for name in made if account_exists(name)] == [], "accounts left behind"
    assert [name for name in made if processes_of(name)] == [], "processes left behind"


@contextlib.contextmanager
def exam_hub(people: dict[str, str]) -> Iterator[CourseHub]:
    """:func:`course_hub_left_clean` with the certification exam released to its trainees (by the grader)."""
    from prerequisites import course_server_missing, require

    from course.hub.grader import run_as_grader

    require(course_server_missing(), module=True)
    with course_hub_left_clean(people) as running:
        done = run_as_grader(running.state, ["nbgrader", "release_assignment", "certification"],
                             capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        yield running


class TraineeServer:
    """Her Jupyter server's REST API, through the hub, with her own token."""

    def __init__(self, hub, trainee: str) -> None:
        from course.hub.hub_api import HubAPI

        self.api = HubAPI.for_state(hub.state)
        self.trainee = trainee
        self.base = f"{hub.url}/user/{trainee}/api"
        self.token = self.api.call("POST", f"/users/{trainee}/tokens", {"note": "exam profile test"})["token"]

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        return jupyter_call(f"{self.base}{path}", self.token, method, body)

    def wait_ready(self, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            user = self.api.call("GET", f"/users/{self.trainee}")
            if isinstance(user, dict) and user.get("server") and not user.get("pending"):
                if self.call("GET", "/status")[0] == 200:
                    return
            time.sleep(1)
        raise AssertionError(f"the server of {self.trainee} did not come up within {timeout:.0f} s")

    def kernels(self) -> list[dict]:
        """The kernels running in her server."""
        status, answer = self.call("GET", "/kernels")
        assert status == 200, (status, answer)
        return answer if isinstance(answer, list) else []

    def in_exam_profile(self) -> bool:
        """Her server refuses a Python 3 kernel (the exam profile's rule), where the normal profile starts one."""
        status, answer = self.call("POST", "/kernels", {"name": "python3"})
        if status == 201 and isinstance(answer, dict):
            self.call("DELETE", f"/kernels/{answer['id']}")
        return status == 403

    def terminal_opens(self) -> bool:
        status, answer = self.call("POST", "/terminals")
        if status == 200 and isinstance(answer, dict):
            self.call("DELETE", f"/terminals/{answer['name']}")
        return status == 200


def trainee_submits(hub, trainee: str, token: str) -> subprocess.CompletedProcess:
    """``nbgrader submit`` as the trainee runs it from her server (her account, her role's config)."""
    from course.hub.accounts import as_account
    from course.hub.spawner import course_environment

    env = {**course_environment(hub.state, "trainee"), "JUPYTERHUB_USER": trainee, "JUPYTERHUB_API_TOKEN": token,
           "JUPYTERHUB_API_URL": f"{hub.url}/hub/api"}
    return as_account(trainee, ["nbgrader", "submit", "certification"], env=env, capture_output=True, text=True)
