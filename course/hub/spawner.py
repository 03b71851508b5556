"""How a person's Jupyter server starts: as their own account, with their role's config.

``CourseSpawner`` is JupyterHub's ``LocalProcessSpawner`` (the hub runs as root
and each server runs as the person's account) plus the environment of the
person's role: ``JUPYTER_CONFIG_PATH`` points at ``STATE/config/ROLE`` (nbgrader
exchange, which nbgrader extensions), ``JUPYTER_PATH`` at ``STATE/share``
(kernelspecs), and ``PATH`` starts with this Python environment's ``bin``, so
``nbgrader`` and ``mesocourse`` work in a terminal; ``SHELL`` is a real shell
(the account's own is ``nologin``), so Terminals and ``!commands`` work.

The exam kernel (:mod:`course.exam_kernel`) is a kernelspec folder in
``STATE/share/kernels/`` (and in this environment's own Jupyter data folder): every
server sees it, and an exam assignment's notebooks name it in their ``kernelspec``
metadata. A trainee's server runs a notebook in an exam assignment's folder in that
kernel only: its role's config names the kernel and session managers of
:mod:`course.hub.exam_kernels` (written by :mod:`course.hub.layout`).

A trainee in an open exam session (:func:`course.hub.exams.in_open_exam`) starts in the
exam profile: the ``exam`` config (no terminals, no kernel but the exam kernel) and the
exam's folder as the server's root, fetched from the exchange first when missing (at her
first start in the session, the folder she had is set aside: the exam starts from the release), and
where to report what it refuses (the course service, for the exam log). The
profile is chosen at each start and checked at each poll: a server whose profile is no
longer the right one (the exam began, ended for this trainee, or was closed) is stopped,
and its next start is in the right profile (``mesocourse hub exam`` restarts them at once).
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Bool, Unicode

from course.certification.qr import VERIFY_URL_ENV
from course.exam_reports import REPORT_URL_ENV

from .culling import activity_interval
from .exam_clock import ASSIGNMENT_ENV, END_ENV
from .exam_end import collect_exam
from .exams import ExamSession, exam_folder, in_open_exam, log_event, read_exam_log
from .state import HubState
from .welcome import WELCOME


def role_of(name: str, groups: list[str], state: HubState) -> str:
    settings = state.settings()
    if name == settings.grader_account:
        return "grader"
    return "instructor" if settings.formgrade_group in groups else "trainee"


SERVER_SHELL = next((shell for shell in ("/bin/bash", "/bin/sh") if os.path.exists(shell)), "/bin/sh")


def course_environment(state: HubState, role: str) -> dict[str, str]:
    """The variables every server of ``role`` starts with.

    ``SHELL`` is the server's, not the account's: accounts keep no login shell
    (``nologin``), and a server inheriting it would open no Terminal and run no
    ``!command`` ("This account is currently not available"). Certificates issued on the
    hub point their QR codes to the hub's own verification page (unless the hub was
    started with ``$MESOCOURSE_VERIFY_URL``, e.g. behind a proxy with its own address).
    """
    tools = str(Path(sys.executable).parent)
    return {
        VERIFY_URL_ENV: os.environ.get(VERIFY_URL_ENV) or state.settings().verify_page,
        "SHELL": SERVER_SHELL,
        "JUPYTER_CONFIG_PATH": str(state.config_dir(role)),
        "JUPYTER_PATH": str(state.share),
        "PATH": os.pathsep.join([tools, "/usr/local/bin", "/usr/bin", "/bin"]),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "JUPYTERHUB_ACTIVITY_INTERVAL": str(activity_interval(state.settings())),
    }


class CourseSpawner(LocalProcessSpawner):
    """LocalProcessSpawner with the course environment of the person's role."""

    state_folder = Unicode(config=True, help="the hub folder (see course.hub.state)")
    exam_assignment = Unicode("", help="the exam this server was started for ('' in the normal profile)")
    course_service_url = Unicode("", config=True,
                                 help="the course service's own address and prefix (where an exam server "
                                      "reports what it refused, course.exam_reports)")
    leaving_profile = Bool(False, help="stopping a server whose profile changed")

    def role(self) -> str:
        return role_of(self.user.name, [group.name for group in self.user.groups], HubState.at(self.state_folder))

    def exam_now(self) -> ExamSession | None:
        """The exam session this person sits now (trainees only), or None."""
        if self.role() != "trainee":
            return None
        return in_open_exam(HubState.at(self.state_folder), self.user.name)

    def get_env(self) -> dict[str, str]:
        """The course environment of the role (or the exam profile); a trainee starts on their welcome page."""
        env = super().get_env()
        state, role = HubState.at(self.state_folder), self.role()
        env.update(course_environment(state, "exam" if self.exam_assignment else role))
        if self.exam_assignment:
            env["JUPYTERHUB_DEFAULT_URL"] = "/lab"
            session = self.exam_now()
            if session:  # for the exam notebook's clock (course.hub.exam_clock)
                env.update({ASSIGNMENT_ENV: session.assignment, END_ENV: session.ends[self.user.name]})
            if self.course_service_url:  # where its refusals go, for the exam log
                env[REPORT_URL_ENV] = f"{self.course_service_url}exam/"
        elif role == "trainee" and (state.home(self.user.name) / WELCOME).exists():
            env["JUPYTERHUB_DEFAULT_URL"] = f"/lab/tree/{WELCOME}"
        return env

    def get_args(self) -> list[str]:
        """In the exam profile, the server's root is the exam's folder: nothing outside it is listed."""
        args = super().get_args()
        if self.exam_assignment:
            folder = exam_folder(HubState.at(self.state_folder), self.user.name, self.exam_assignment)
            args.append(f"--ServerApp.root_dir={folder}")
        return args

    def get_state(self) -> dict:
        state = super().get_state()
        if self.exam_assignment:
            state["exam_assignment"] = self.exam_assignment
        return state

    def load_state(self, state: dict) -> None:
        super().load_state(state)
        self.exam_assignment = state.get("exam_assignment", "")

    def clear_state(self) -> None:
        super().clear_state()
        self.exam_assignment = ""

    async def poll(self) -> int | None:
        """The server's status; a server in the wrong profile now (an exam began, ended, or closed) is stopped."""
        status = await super().poll()
        if status is None and not self.leaving_profile and self.profile_changed():
            self.log.info("%s: exam profile changes (%s), stopping the server", self.user.name,
                          self.exam_assignment or "exam begins")
            ended = self.exam_assignment  # stop() clears it
            self.leaving_profile = True  # stop() polls too
            try:
                await self.stop()
            finally:
                self.leaving_profile = False
            if ended:  # her exam ended or closed: the hub hands in her notebook as last saved
                collect_exam(HubState.at(self.state_folder), self.user.name, ended)
            return 0
        return status

    def profile_changed(self) -> bool:
        session = self.exam_now()
        return (session.assignment if session else "") != self.exam_assignment

    async def start(self) -> tuple[str, int]:
        """Start the server and return once it accepts connections; if it exits first, fail at once.

        JupyterHub would otherwise wait the whole ``http_timeout`` for a server
        that already died before showing its error page ("Spawn failed"). The port is
        tried every 50 ms at first, then less often (a server takes a second or more):
        no fixed half-second adds to every start.
        """
        session = self.exam_now()
        self.exam_assignment = session.assignment if session else ""
        if session:
            state = HubState.at(self.state_folder)
            aside = set_aside_before_exam(state, self.user.name, session)
            ensure_exam_folder(state, self.user.name, session.assignment)
            log_event(state, "start", trainee=self.user.name, assignment=session.assignment,
                      end=session.ends[self.user.name], set_aside=str(aside) if aside else None)
        ip, port = await super().start()
        deadline, pause = time.monotonic() + self.start_timeout, 0.05
        while time.monotonic() < deadline:
            status = self.proc.poll()
            if status is not None:
                raise RuntimeError(f"the Jupyter server of {self.user.name} exited with status {status} "
                                   "while starting; the hub's log says why")
            try:
                with socket.create_connection((ip or "127.0.0.1", port), timeout=1):
                    return ip, port
            except OSError:
                await asyncio.sleep(pause)
                pause = min(pause * 1.5, 0.5)
        return ip, port  # JupyterHub's own timeouts take over

    def make_preexec_fn(self, name: str) -> Callable[[], None]:
        """The grader's server works in the course folder (nbgrader reads its config from there)."""
        become = super().make_preexec_fn(name)
        if self.role() != "grader":
            return become
        folder = str(HubState.at(self.state_folder).course_dir)

        def preexec() -> None:
            become()
            os.chdir(folder)

        return preexec


def set_aside_before_exam(state: HubState, trainee: str, session: ExamSession) -> Path | None:
    """At her first start in ``session``, the exam folder she had before (fetched early, with answers
    worked out in an ordinary kernel or a crib sheet in it, perhaps) is renamed beside it, out of the
    exam profile's reach, so her exam starts from the release; later starts (a restart, a hub
    restarted mid-exam) keep her work. Where it went, or None."""
    folder = exam_folder(state, trainee, session.assignment)
    started = any(entry["event"] == "start" and entry.get("trainee") == trainee
                  and entry.get("assignment") == session.assignment and entry["time"] >= session.opened_at
                  for entry in read_exam_log(state))
    if started or not (folder.exists() or folder.is_symlink()):
        return None
    aside = folder.with_name(f"{session.assignment}.before-exam-{session.opened_at[:19].replace(':', '')}")
    folder.rename(aside)
    return aside


def ensure_exam_folder(state: HubState, trainee: str, assignment: str) -> None:
    """The exam's folder in the trainee's home, fetched from the exchange as nbgrader's fetch would
    (the released notebooks, owned by the trainee) when it is not there yet; empty if not released."""
    folder = exam_folder(state, trainee, assignment)
    if folder.is_dir():
        return
    released = state.exchange / state.settings().course_id / "outbound" / assignment
    entry = pwd.getpwnam(trainee)
    for made in (folder.parent, folder):
        if not made.exists():
            if made == folder and released.is_dir():
                shutil.copytree(released, folder)
            else:
                made.mkdir(mode=0o755)
    for path in [folder.parent, folder, *folder.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid)
