"""A kernel running a cell is activity: a Jupyter server extension for every role's server.

jupyter_server reports to the hub the time of its last request, kernel message or
terminal use; a kernel busy with one long cell (a grading run, a simulation) sends no
message while it works, so its server would look idle to the culler
(:mod:`course.hub.culling`) and be stopped mid-run. This extension stamps
``busy_kernels_last_activity`` (jupyter_server counts every ``*_last_activity``
setting) with the current time whenever a kernel is busy, checked every few seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tornado.ioloop import PeriodicCallback

CHECK_SECONDS = 5
SETTING = "busy_kernels_last_activity"


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "course.hub.kernel_activity"}]


def any_kernel_busy(kernel_manager: Any) -> bool:
    return any(getattr(kernel_manager.get_kernel(kernel_id), "execution_state", "") == "busy"
               for kernel_id in kernel_manager.list_kernel_ids())


def _load_jupyter_server_extension(serverapp: Any) -> None:
    settings = serverapp.web_app.settings
    settings[SETTING] = settings["started"]

    def stamp() -> None:
        if any_kernel_busy(serverapp.kernel_manager):
            settings[SETTING] = datetime.now(UTC)

    serverapp._mesocourse_busy_check = PeriodicCallback(stamp, CHECK_SECONDS * 1000)
    serverapp._mesocourse_busy_check.start()
