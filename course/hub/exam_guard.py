"""The exam profile's guard: what a trainee's server refuses while she sits an exam, and the record of it.

The ``exam`` role's server config (:mod:`course.hub.layout`) names these:

- :class:`SandboxedExamKernel` starts each kernel (the exam kernel, the only one the
  profile runs: :mod:`course.hub.exam_kernels`) inside the grading's Landlock and limits
  sandbox (``course/grading/kernel_launcher.py``, :func:`course.grading.sandbox.exam_sandbox`):
  it reads the Python environment and writes the exam's folder, but cannot read the course
  package's knowledge base or engine sources, nor the trainee's home outside the exam.
  Where Linux offers no Landlock it starts without it and says so in the server's log
  (``mesocourse hub exam open`` says so too).
- :class:`ExamContentsManager` confines the contents API (and ``/files/``, ``/nbconvert/``,
  which read through it) to the exam's folder by real path, so a symbolic link in the folder
  (the exam kernel may make one) leads nowhere; and it refuses uploads: a file sent as
  base64 (JupyterLab's upload) and any new file, folder or copy. Saving a file that is
  there (the exam notebook) is allowed.
- This module is also a Jupyter server extension: terminals are refused with 403 (the
  profile runs none), a refused session (a console, another kernel) is answered with its
  403, and every request the server answers with 403 (a terminal, a path outside the folder,
  an upload) is reported to the course service, which writes a ``refused`` event to the
  exam log (:mod:`course.exam_reports`); a refused kernel is reported where it is decided
  (:mod:`course.hub.exam_kernels`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.files.handlers import FilesHandler
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
from jupyter_server.services.sessions.handlers import SessionRootHandler
from jupyter_server.utils import ApiPath, ensure_async, to_os_path
from tornado import web
from traitlets import default

from course.exam_kernel import package_files
from course.exam_reports import report_in_background
from course.grading.limits import GradingLimits
from course.grading.sandbox import exam_sandbox, kernel_options, launcher_command

EXAM_SCRATCH = "mesocourse-exam"  # under the cache folder: one fresh folder per exam kernel
# where the exam kernel keeps what it writes besides the exam (IPython, matplotlib's and fontconfig's caches,
# temporary files), and reads Jupyter's folders from: all in its own scratch folder, none of her home's
SCRATCH_ENV = {"IPYTHONDIR": "ipython", "MPLCONFIGDIR": "matplotlib", "XDG_CACHE_HOME": "cache",
               "XDG_CONFIG_HOME": "config", "JUPYTER_CONFIG_DIR": "jupyter", "JUPYTER_DATA_DIR": "jupyter-data",
               "TMPDIR": "tmp"}


class SandboxedExamKernel(ServerKernelManager):
    """jupyter_server's kernel manager, starting the kernel through ``kernel_launcher.py`` in the exam sandbox,
    with a scratch folder of its own (made fresh at each start, removed when the kernel ends)."""

    scratch: Path | None = None

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        exam_folder = Path(getattr(self.parent, "root_dir", None) or os.getcwd())  # the server's root
        self.remove_scratch()
        caches = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / EXAM_SCRATCH
        caches.mkdir(parents=True, exist_ok=True)
        self.scratch = Path(tempfile.mkdtemp(prefix="kernel-", dir=caches))
        sandbox, why = exam_sandbox(exam_folder, package_files(), self.scratch)
        if sandbox is None:
            self.log.warning("exam kernel without the filesystem sandbox: %s", why)
        # memory and file size as grading's; no CPU limit: an exam kernel idles for hours
        kernel_cmd = launcher_command(kernel_cmd, kernel_options(GradingLimits(), sandbox, kernel_cmd,
                                                                 self.connection_file))
        env = dict(kw.get("env") or os.environ)
        for name, folder in SCRATCH_ENV.items():
            (self.scratch / folder).mkdir()
            env[name] = str(self.scratch / folder)
        kw["env"] = env
        await super()._async_launch_kernel(kernel_cmd, **kw)

    def remove_scratch(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self.remove_scratch()


class RefusedPath(web.HTTPError, PermissionError):
    """403 for a path outside the exam's folder; an OSError too, so a folder listing skips such an entry."""


class ExamContentsManager(AsyncLargeFileManager):
    """The contents API of the exam profile: the exam's folder only, by real path; no uploads."""

    def _get_os_path(self, path: str) -> str:
        root = os.path.realpath(self.root_dir)
        real = os.path.realpath(to_os_path(ApiPath(path), os.path.abspath(self.root_dir)))
        if real != root and not real.startswith(root + os.sep):
            raise RefusedPath(403, f"{path} is outside the exam's folder")
        os_path: str = super()._get_os_path(path)
        return os_path

    async def save(self, model: dict[str, Any], path: str = "") -> dict[str, Any]:
        """Save a file that is there (the exam notebook); refuse an upload (base64) or a new file."""
        if model.get("format") == "base64" or model.get("chunk") is not None:
            raise web.HTTPError(403, f"{path}: no upload during an exam")
        if not os.path.lexists(self._get_os_path(path.strip("/"))):
            raise web.HTTPError(403, f"{path}: no new file during an exam")
        result: dict[str, Any] = await super().save(model, path)
        return result

    @default("files_handler_class")
    def _files_through_this_manager(self) -> type:
        return FilesHandler  # /files/ reads through this manager, so the same confinement holds


class RefusedTerminal(APIHandler):
    """Terminals in the exam profile: refused (403), not missing."""

    @web.authenticated
    def get(self, *args: str) -> None:
        raise web.HTTPError(403, "no terminal during an exam")

    post = put = patch = delete = get


class ExamSessionRoot(SessionRootHandler):
    """``POST /api/sessions`` answering a refused session (a console, another kernel) with its 403,
    where jupyter_server's handler turns every error of the session manager into a 500."""

    async def post(self) -> None:
        try:
            await ensure_async(super().post())
        except web.HTTPError as error:
            if error.status_code == 500 and isinstance(error.__cause__, web.HTTPError):
                raise error.__cause__ from None
            raise


def refusal(method: str, path: str) -> tuple[str, str] | None:
    """What a request answered 403 tried (the exam log's ``what``) and its detail, or None when it is
    none of the exam profile's refusals logged here (a refused kernel is reported where it is
    decided, :func:`course.hub.exam_kernels.refused_kernel`)."""
    detail = f"{method} {path}"
    if "/api/terminals" in path or "/terminals/" in path:
        return "terminal", detail
    if "/api/contents" in path:
        return ("upload" if method in ("PUT", "POST") else "path"), detail
    if "/files/" in path or "/nbconvert/" in path:
        return "path", detail
    return None


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "course.hub.exam_guard"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Terminals refused; every refusal (403) reported to the course service for the exam log."""
    base = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(".*$", [(f"{base}api/terminals.*", RefusedTerminal),
                                           (f"{base}terminals/.*", RefusedTerminal),
                                           (f"{base}api/sessions", ExamSessionRoot)])
    log_request = serverapp.web_app.log_request  # which logs through settings["log_function"], whoever sets it

    def log_and_report(handler: web.RequestHandler) -> None:
        log_request(handler)
        if handler.get_status() == 403:
            refused = refusal(handler.request.method or "", handler.request.path)
            if refused:
                report_in_background(*refused)

    serverapp.web_app.log_request = log_and_report
