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
:mod:`course.hub.exam_kernels` (written by :mod:`course.hub.layout`). Nothing here
changes for it.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode

from course.certification.qr import VERIFY_URL_ENV

from .culling import activity_interval
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

    def role(self) -> str:
        return role_of(self.user.name, [group.name for group in self.user.groups], HubState.at(self.state_folder))

    def get_env(self) -> dict[str, str]:
        """The course environment of the role; a trainee starts on their welcome notebook."""
        env = super().get_env()
        state, role = HubState.at(self.state_folder), self.role()
        env.update(course_environment(state, role))
        if role == "trainee" and (state.home(self.user.name) / WELCOME).exists():
            env["JUPYTERHUB_DEFAULT_URL"] = f"/lab/tree/{WELCOME}"
        return env

    async def start(self) -> tuple[str, int]:
        """Start the server and return once it accepts connections; if it exits first, fail at once.

        JupyterHub would otherwise wait the whole ``http_timeout`` for a server
        that already died before showing its error page ("Spawn failed"). The port is
        tried every 50 ms at first, then less often (a server takes a second or more):
        no fixed half-second adds to every start.
        """
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
