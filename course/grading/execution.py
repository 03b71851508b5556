"""Running trainee code for nbgrader, within bounds.

:class:`SandboxedExecute` takes the place of nbgrader's ``Execute`` preprocessor
in autograde (same configuration, same grading rules) and adds what grading a
cohort needs:

- a time budget per submission, shared by all its notebooks: each cell's timeout
  is nbgrader's ``Execute.timeout`` or what is left of the budget, whichever is
  less; once the budget is spent, the remaining cells are not run and score 0;
- a kernel that dies (a crash, the memory or CPU limit) or stops answering does
  not abort the submission: the cell it was running and every later cell score
  0, the cells before keep their scores;
- bounded output: past ``max_output_bytes`` per notebook, outputs are cut, keeping
  what grading reads (errors, stderr, results), so a flood cannot exhaust the
  worker's memory or bloat the graded notebook;
- isolation while trainee code runs: the kernel is forked by the worker's zygote
  (``kernel_zygote.py``) or started through ``kernel_launcher.py``, bound either
  way by the same limits (memory, CPU and file size, optional Landlock sandbox,
  no capability, dies with its worker), with a clean environment, in a scratch folder
  where no notebook with the instructor's tests lies around (notebooks in the
  working folder are held in memory until the kernel is gone), and without an
  input-history database (``IPYTHON_KERNEL_OPTIONS``).

The bounds and findings of the submission being graded live in the
:class:`ExecutionSession` opened by :func:`execution_session`; a worker grades
one submission at a time.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import default

from .kernel_client import ReadyKernelClient
from .kernel_zygote import Zygote, forkable
from .limits import GradingLimits
from .sandbox import KernelSandbox, kernel_options, launcher_command

SINGLE_THREADED = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# No input-history database per kernel (a new SQLite file and a saving thread each time, about a third
# of a kernel's start-up); In, Out and the rest of the session's history stay in memory as usual.
IPYTHON_KERNEL_OPTIONS = ("--HistoryManager.enabled=False",)
KERNEL_EXIT_POLL_S = 0.005  # jupyter_client looks every 0.1 s, once per graded notebook
MAX_SOCKET_PATH = 100  # a Unix socket address holds at most 107 bytes on Linux, 103 on macOS
SIGNAL_MEANING: dict[int, str] = {signal.SIGKILL: "killed, most likely for memory", signal.SIGXCPU: "CPU time limit",
                  signal.SIGSEGV: "crashed", signal.SIGABRT: "aborted", signal.SIGXFSZ: "file size limit"}


@dataclass
class ExecutionSession:
    """The bounds of the submission being graded and what went wrong while running it."""

    limits: GradingLimits
    scratch: Path  # the only folder the kernel may write to (under the sandbox)
    sandbox: KernelSandbox | None
    zygote: Zygote | None = None  # forks the kernels when it can (kernel_zygote.py)
    incidents: list[str] = field(default_factory=list)
    deadline: float = field(init=False)

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.limits.time_budget_s

    def seconds_left(self) -> float:
        return self.deadline - time.monotonic()

    def limit_options(self, kernel: list[str], connection_file: str) -> list[str]:
        """``kernel_launcher.py``'s options for a kernel of this session: its limits, a CPU limit of its
        time budget and grace, and the sandbox with the submission's scratch folder writable."""
        sandbox = replace(self.sandbox, write=(*self.sandbox.write, str(self.scratch))) if self.sandbox else None
        cpu_seconds = math.ceil(self.limits.time_budget_s + self.limits.grace_s)
        return kernel_options(self.limits, sandbox, kernel, connection_file, cpu_seconds)

    def kernel_environment(self, env: dict[str, str], cwd: str | None) -> dict[str, str]:
        env = {key: value for key, value in env.items() if key != "OLDPWD"}
        temporary = self.scratch / "tmp"
        temporary.mkdir(exist_ok=True)
        env.update(TMPDIR=str(temporary), TEMP=str(temporary), TMP=str(temporary))
        if cwd:
            env["PWD"] = cwd
        if self.sandbox:  # the user's IPython folder is out of reach: give the kernel its own
            env["IPYTHONDIR"] = str(self.scratch / "ipython")
        for name in SINGLE_THREADED:  # workers already use every core
            env.setdefault(name, "1")
        return env


_active: ExecutionSession | None = None


@contextmanager
def execution_session(limits: GradingLimits, scratch: Path, sandbox: KernelSandbox | None,
                      zygote: Zygote | None = None) -> Iterator[ExecutionSession]:
    """Bound the kernels started inside this block by ``limits``; the time budget starts now."""
    global _active
    _active = ExecutionSession(limits, scratch, sandbox, zygote)
    try:
        yield _active
    finally:
        _active = None


def active_session() -> ExecutionSession:
    if _active is None:
        raise RuntimeError("SandboxedExecute runs only inside execution_session()")
    return _active


class LimitedKernelManager(AsyncKernelManager):
    """Starts the kernel through ``kernel_launcher.py`` with the session's limits and environment.

    The kernel listens on Unix sockets in the scratch folder rather than on TCP
    ports: a port the manager picks can be taken by another process (another
    worker's kernel) before the kernel binds it, and that kernel then dies at
    start ("Address already in use"). A socket file of our own cannot be taken.
    Where the scratch path is too long for a socket address, TCP is kept.
    """

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        stem = active_session().scratch / f"kernel-{uuid.uuid4().hex[:8]}"
        if len(f"{stem}-ipc-99") < MAX_SOCKET_PATH:
            self.transport = "ipc"
            self.connection_file = f"{stem}.json"
            self.ip = f"{stem}-ipc"

    @default("client_factory")
    def _ready_client(self) -> type:
        return ReadyKernelClient  # ready when the kernel says so, not after 0.2 s of silence

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        """Wait for the kernel to end; a killed kernel ends within milliseconds, so look often."""
        await super()._async_wait(pollinterval=min(pollinterval, KERNEL_EXIT_POLL_S))

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        session = active_session()
        kw["env"] = session.kernel_environment(dict(kw.get("env") or os.environ), kw.get("cwd"))
        if forkable(kernel_cmd):  # the standard IPython kernel: it takes IPython's options
            kernel_cmd = [*kernel_cmd, *IPYTHON_KERNEL_OPTIONS]
        if session.zygote is not None and forkable(kernel_cmd) and isinstance(self.provisioner, LocalProvisioner):
            cwd = str(kw.get("cwd") or os.getcwd())
            kernel = session.zygote.start(kernel_cmd, kw["env"], cwd,
                                          session.limit_options(kernel_cmd, self.connection_file))
            if kernel is not None:  # what LocalProvisioner.launch_kernel records of a process it starts
                # a ForkedKernel offers what LocalProvisioner uses of a Popen (poll, wait, send_signal, kill, pid)
                self.provisioner.process = kernel  # type: ignore[assignment]
                self.provisioner.pid = self.provisioner.pgid = kernel.pid
                self.provisioner.cwd = cwd
                self._reconcile_connection_info(self.provisioner.connection_info)
                return
        await super()._async_launch_kernel(
            launcher_command(kernel_cmd, session.limit_options(kernel_cmd, self.connection_file)), **kw)


@contextmanager
def notebooks_held_in_memory(folder: Path) -> Iterator[None]:
    """Take the notebooks out of ``folder`` for the duration of the block, then put them back.

    nbgrader writes each sanitised notebook, hidden tests included, into the
    folder the kernel then runs in; trainee code must not find them there.
    """
    held = {path: path.read_bytes() for path in folder.glob("*.ipynb")}
    for path in held:
        path.unlink()
    try:
        yield
    finally:
        for path, content in held.items():
            if path.is_dir() and not path.is_symlink():  # whatever trainee code put there
                shutil.rmtree(path)
            path.unlink(missing_ok=True)
            path.write_bytes(content)


def _not_run(reason: str) -> NotebookNode:
    return new_output("error", ename="NotRun", evalue=reason, traceback=[f"NotRun: {reason}"])


def _size(content: dict[str, Any]) -> int:
    """Rough size of an output message: its text and encoded data."""
    text = content.get("text", "")
    data = content.get("data", {})
    traceback = content.get("traceback", [])
    return (len(text) + sum(len(str(value)) for value in data.values())
            + sum(len(line) for line in traceback) + len(content.get("evalue", "")))


class SandboxedExecute(Execute):
    """nbgrader's ``Execute``, kept within the active :class:`ExecutionSession`."""

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("kernel_manager_class", LimitedKernelManager)
        super().__init__(**kw)

    @default("shutdown_kernel")
    def _stop_kernels_at_once(self) -> str:
        return "immediate"  # every output is in by then; a graceful stop only costs time

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> tuple[NotebookNode, Any]:
        self._session = active_session()
        self._notebook = f"{resources['nbgrader']['notebook']}.ipynb"
        self._halted: str | None = None
        self._output_left = self._session.limits.max_output_bytes
        self._cut_cells: set[int] = set()
        self.timeout_func = self._cell_timeout
        if self._session.seconds_left() <= 0:
            self._halt(f"the time budget of {self._session.limits.time_budget_s:g} s was used up "
                       f"before {self._notebook}")
            for index, cell in enumerate(nb.cells):
                self.preprocess_cell(cell, resources, index)
            return nb, resources
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        with notebooks_held_in_memory(folder):
            return super().preprocess(nb, resources, km=km)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> tuple[NotebookNode, Any]:
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        if self._halted:
            cell.outputs = [_not_run(self._halted)]
            return cell, resources
        where = f"cell {index + 1} of {self._notebook}"
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            reason = f"the kernel stopped ({self._exit_reason()}) in {where}"
        except CellTimeoutError:  # it did not answer even the interrupt
            self._kill_kernel()
            reason = f"the kernel stopped answering in {where} and was stopped"
        else:
            self._note_errors(cell, where)
            if self._session.seconds_left() <= 0:
                self._halt(f"the time budget of {self._session.limits.time_budget_s:g} s was used up in {where}")
            return cell, resources
        self._halt(reason)
        cell.outputs.append(_not_run(reason))
        return cell, resources

    def _cell_timeout(self, cell: NotebookNode) -> int:
        left = max(1, math.ceil(self._session.seconds_left()))
        return min(self.timeout, left) if self.timeout and self.timeout > 0 else left

    def _halt(self, reason: str) -> None:
        self._halted = reason
        self._session.incidents.append(f"{reason}; later cells were not run and score 0")

    def _note_errors(self, cell: NotebookNode, where: str) -> None:
        names = {output.get("ename") for output in cell.outputs if output.output_type == "error"}
        if "MemoryError" in names:
            self._session.incidents.append(
                f"ran out of memory (limit {self._session.limits.memory_mb} MB) in {where}")
        if self.error_on_timeout and self.error_on_timeout.get("ename") in names:
            self._session.incidents.append(f"{where} ran out of time and was interrupted")

    def _kernel_process(self) -> Any:
        return getattr(getattr(self.km, "provisioner", None), "process", None)

    def _exit_reason(self) -> str:
        process = self._kernel_process()
        code = process.poll() if process is not None else None
        if code is None:
            return "no exit status"
        if code >= 0:
            return f"exit code {code}"
        meaning = SIGNAL_MEANING.get(-code)
        return f"signal {-code}: {meaning}" if meaning else f"signal {-code}"

    def _kill_kernel(self) -> None:
        """Kill the kernel and whatever trainee code started (the kernel leads its own session)."""
        process = self._kernel_process()
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                process.kill()

    def output(self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None,
               cell_index: int) -> NotebookNode | None:
        size = _size(msg.get("content", {}))
        if size <= self._output_left:
            self._output_left -= size
            return super().output(outs, msg, display_id, cell_index)
        return self._cut(outs, msg, cell_index)

    def _cut(self, outs: list[NotebookNode], msg: dict[str, Any], cell_index: int) -> NotebookNode | None:
        """Past the output limit keep only what grading reads, shortened: errors, stderr, results."""
        if not self._cut_cells:
            self._session.incidents.append(
                f"output of {self._notebook} was cut at {self._session.limits.max_output_bytes / 1e6:g} MB "
                f"from cell {cell_index + 1} on")
        kind, content = msg["msg_type"], msg.get("content", {})
        out = None
        if kind == "error":
            out = new_output("error", ename=content.get("ename", ""), evalue=content.get("evalue", "")[:500],
                             traceback=[line[:500] for line in content.get("traceback", [])[-5:]])
        elif kind == "stream" and content.get("name") == "stderr" and not any(
                o.get("name") == "stderr" for o in outs):
            out = new_output("stream", name="stderr", text=content.get("text", "")[:500])
        elif kind == "execute_result":
            text = str(content.get("data", {}).get("text/plain", ""))[:500]
            out = new_output("execute_result", data={"text/plain": text},
                             execution_count=content.get("execution_count"))
        if cell_index not in self._cut_cells:
            self._cut_cells.add(cell_index)
            outs.append(new_output("stream", name="stdout", text="\n[output cut: over the grading limit]\n"))
        if out is not None:
            outs.append(out)
        return out
