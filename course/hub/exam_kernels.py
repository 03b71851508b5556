"""Under the hub, a notebook in an exam assignment's folder runs in the exam kernel, and only there.

A trainee's Jupyter server (the trainee role's ``jupyter_server_config.json``, written by
:mod:`course.hub.layout`) uses these two classes, with ``exam_folders`` set to where
nbgrader's fetch puts each exam assignment (``COURSE/ASSIGNMENT`` under the trainee's
home, for the assignments whose case data says ``exam: true``):

- :class:`ExamKernelManager` starts the exam kernel (``mesocourse-exam``,
  :mod:`course.exam_kernel`) whatever kernel was asked for, when the
  kernel's folder lies in an exam folder. Every way jupyter_server starts a kernel
  passes that folder: opening a notebook (``POST /api/sessions``: the notebook's
  folder), changing its kernel in JupyterLab (``PATCH /api/sessions/ID`` with a kernel
  name: ``SessionManager.start_kernel_for_session``, the notebook's folder) and
  ``POST /api/kernels`` with a ``path``. Other notebooks keep the kernel they ask for.
- :class:`ExamSessionManager` refuses (HTTP 403), in the exam profile, a session that is not a
  notebook's (a console, even on the exam kernel); and it refuses to attach a notebook in an exam folder
  to a kernel already running that is not the exam kernel ("use the kernel of another
  session", by kernel id, which starts no kernel), to move such a session into an
  exam folder, and to change an exam notebook's kernel to another by name (Kernel >
  Change Kernel: JupyterLab would otherwise show the name asked for while the exam
  kernel runs; it shows the refusal instead).

Folders are compared by their real path on disk, so a symbolic link to an exam folder
is an exam folder too. What this does not prevent: code in an ordinary kernel (another
notebook, a console) or a terminal can still read the exam's files and use the
course's tools outside the folder; see docs/instructors.md, "Exam mode".
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.services.sessions.sessionmanager import SessionManager
from jupyter_server.utils import ApiPath, to_os_path
from tornado import web
from traitlets import Bool, List, Unicode

from course.exam_kernel import KERNEL_NAME
from course.exam_reports import report_in_background


def refused_kernel(message: str) -> web.HTTPError:
    """The 403 refusing a kernel (or a console), reported for the exam log when the server is in the
    exam profile (:mod:`course.exam_reports`; elsewhere nothing is reported). Reported here, where it
    is decided: jupyter_server answers some of these with 500 or 501 rather than the 403 raised."""
    report_in_background("kernel", message)
    return web.HTTPError(403, message)


class ExamKernelManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager; in an exam folder, every kernel started is the exam kernel."""

    exam_folders = List(Unicode(), config=True,
                        help="folders (API paths, relative to the server's root) "
                             "whose notebooks run in the exam kernel only")
    exam_kernel = Unicode(KERNEL_NAME, config=True, help="the exam kernel's kernelspec name")
    exam_only = Bool(False, config=True,
                     help="the exam profile of a trainee sitting an exam: every other kernel is refused (403)")

    def in_exam_folder(self, api_path: str | None) -> bool:
        """Whether ``api_path`` (a file or folder under the server's root) lies in an exam folder."""
        if api_path is None:
            return False
        where = os.path.realpath(to_os_path(ApiPath(api_path.strip("/")), self.root_dir))
        for folder in self.exam_folders:
            exam = os.path.realpath(to_os_path(ApiPath(folder.strip("/")), self.root_dir))
            if where == exam or where.startswith(exam + os.sep):
                return True
        return False

    async def start_kernel(self, *, kernel_id: str | None = None, path: ApiPath | None = None,  # type: ignore[override]
                           **kwargs: Any) -> str:
        asked = kwargs.get("kernel_name") or self.default_kernel_name
        if (kernel_id is None or kernel_id not in self) and self.in_exam_folder(path) and asked != self.exam_kernel:
            self.log.warning("'%s' is an exam assignment's folder: starting the %s kernel, not %s",
                             path, self.exam_kernel, asked)
            kwargs["kernel_name"] = self.exam_kernel
        elif self.exam_only and (kernel_id is None or kernel_id not in self) and asked != self.exam_kernel:
            self.log.warning("exam in progress: refused to start the %s kernel", asked)
            raise refused_kernel(f"an exam is in progress: only the exam kernel ({self.exam_kernel}) runs "
                                 f"here, not {asked}")
        return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)

    def kernel_name_of(self, kernel_id: str) -> str:
        return self.get_kernel(kernel_id).kernel_name


class ExamSessionManager(SessionManager):
    """jupyter_server's session manager; a notebook in an exam folder is never attached to another kernel."""

    def _refuse_other_kernels(self, path: str | None, kernel_id: str | None) -> None:
        manager = self.kernel_manager
        if not isinstance(manager, ExamKernelManager) or kernel_id is None or kernel_id not in manager:
            return
        name = manager.kernel_name_of(kernel_id)
        if manager.in_exam_folder(path) and name != manager.exam_kernel:
            raise refused_kernel(f"{path} belongs to an exam: it runs in the exam kernel ({manager.exam_kernel}) "
                                 f"only, not in {name}")

    async def create_session(self, path: str | None = None, name: Any = None, type: str | None = None,
                             kernel_name: Any = None, kernel_id: str | None = None) -> dict[str, Any]:
        manager = self.kernel_manager
        if isinstance(manager, ExamKernelManager) and manager.exam_only and type not in (None, "notebook"):
            raise refused_kernel(f"an exam is in progress: no {type} here, only the exam's notebooks")
        self._refuse_other_kernels(path, kernel_id)
        return await super().create_session(path=path, name=name, type=type, kernel_name=kernel_name,
                                            kernel_id=kernel_id)

    async def start_kernel_for_session(self, session_id: str, path: str | None, name: Any, type: str | None,
                                       kernel_name: Any, kernel_id: str | None = None) -> str:
        """Refuse to change an exam notebook's kernel (Kernel > Change Kernel): the exam kernel would
        start anyway, and JupyterLab would show the name asked for. Opening it starts the exam kernel."""
        manager = self.kernel_manager
        changing = await self.session_exists_by_id(session_id)
        if (changing and isinstance(manager, ExamKernelManager) and manager.in_exam_folder(path)
                and kernel_name not in (None, manager.exam_kernel)):
            raise refused_kernel(f"{path} belongs to an exam: it runs in the exam kernel "
                                 f"({manager.exam_kernel}) only; its kernel cannot be changed to {kernel_name}")
        return await super().start_kernel_for_session(session_id, path, name, type, kernel_name, kernel_id)

    async def session_exists_by_id(self, session_id: str) -> bool:
        """Whether ``session_id`` is a session already (a change of kernel), not one being created."""
        try:
            await self.get_session(session_id=session_id)
        except web.HTTPError:
            return False
        return True

    async def update_session(self, session_id: str, **kwargs: Any) -> None:
        if "path" in kwargs or "kernel_id" in kwargs:
            before = await self.get_session(session_id=session_id)
            self._refuse_other_kernels(kwargs.get("path", before["path"]),
                                       kwargs.get("kernel_id", before["kernel"]["id"]))
        await super().update_session(session_id, **kwargs)
