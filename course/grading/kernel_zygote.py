"""Kernels forked from a warm process, so a cohort pays the kernel's start-up once per worker.

An IPython kernel spends CPU time importing its modules before it runs a cell
(measured: docs/benchmarks.md), and grading pays that once per notebook. A
grading worker therefore keeps one zygote: a process (``python -m
course.grading.kernel_zygote``) that imports the kernel's modules and then
waits. For each notebook it forks a child, which

- leads its own session, reads nothing from the zygote's pipes and writes its
  output where the worker's kernels write theirs (the worker's log);
- moves into the notebook's folder and takes the environment the worker gives it;
- binds itself by the same limits as ``kernel_launcher.py`` (memory, CPU, file
  size, Landlock, no capability, dies with its parent), parsed by the same code;
- runs the kernel as ``python -m ipykernel_launcher`` would (the exam kernel, ``python -m
  course.exam_kernel``, with its import guard installed first), and never returns.

The zygote runs no cell and no trainee code, and it holds nothing secret, so each
kernel starts as clean as a new process. Besides the kernel's modules it imports those
a kernel imports once it runs, and the small modules the course's assignments import
in every notebook (``PRELOADED``). Only the standard kernel of the worker's
own Python (``[sys.executable, "-m", "ipykernel_launcher", ...]``) and the exam kernel,
the same kernel behind an import guard (``-m course.exam_kernel``: exam
notebooks name it), are forked; any other kernel command is started the usual way. A
forked exam kernel forgets the modules the guard refuses that the zygote had imported,
so it refuses them as one started anew does.

Protocol, one JSON object per line. The worker writes ``{"argv": [...], "env":
{...}, "cwd": "...", "limits": [...]}`` (``limits``: ``kernel_launcher.py``'s
options) to the zygote's stdin; the zygote answers ``{"pid": N}`` (or
``{"error": "..."}``) on its stdout, and later ``{"exited": N, "code": C}`` when
that kernel ends, ``C`` being what ``Popen.returncode`` would say.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from course import exam_kernel
from course.grading import kernel_launcher

KERNEL_MODULE = "ipykernel_launcher"
# Modules every kernel imports after it starts (ipykernel's debugger, with debugpy and pydevd;
# IPython's inspector; psutil; the history's sqlite3) and what this course's assignment notebooks
# import (their setup cell, their test cells): CPU time per kernel (docs/benchmarks.md), paid
# once here instead. None of them holds anything secret or starts a thread at import.
PRELOADED = ("ipykernel.debugger", "IPython.core.oinspect", "IPython.core.debugger", "IPython.core.completerlib",
             "IPython.extensions.storemagic", "psutil", "sqlite3", "course.assignments.check",
             "course.assignments.grader")


def forkable(argv: list[str]) -> bool:
    """Whether ``argv`` starts the standard or the exam kernel of this very Python (a zygote can fork it)."""
    return (len(argv) >= 3 and argv[1] == "-m" and argv[2] in (KERNEL_MODULE, exam_kernel.kernel_module())
            and os.path.abspath(argv[0]) == os.path.abspath(sys.executable))


# ---- the worker's side ---------------------------------------------------------------------------

class ForkedKernel:
    """A kernel forked by the zygote, with the part of ``subprocess.Popen`` jupyter_client uses."""

    stdin = stdout = stderr = None

    def __init__(self, zygote: Zygote, pid: int) -> None:
        self.zygote = zygote
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.zygote.exit_code(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            time.sleep(0.01)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:  # never signal a pid that may have been reused
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Zygote:
    """The worker's handle on its zygote process; :meth:`start` forks a kernel."""

    def __init__(self, log: Any = None) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=log, bufsize=0)
        self._pending = b""
        self._exits: dict[int, int] = {}
        self.alive = True

    def start(self, argv: list[str], env: dict[str, str], cwd: str, limits: list[str],
              timeout: float = 60) -> ForkedKernel | None:
        """Fork a kernel; None if the zygote cannot (the caller then starts it the usual way)."""
        if not self.alive:
            return None
        request = {"argv": argv, "env": env, "cwd": cwd, "limits": limits}
        try:
            assert self.process.stdin is not None
            data = memoryview(json.dumps(request).encode() + b"\n")
            while data:  # an unbuffered pipe may take part of it at a time
                data = data[self.process.stdin.write(data) or 0:]
            reply = self._next_reply(time.monotonic() + timeout)
        except (OSError, ValueError):
            reply = None
        if reply is None or "pid" not in reply:
            print(f"kernel zygote: cannot fork a kernel ({reply}); starting it the usual way", file=sys.stderr)
            self.close()
            return None
        return ForkedKernel(self, reply["pid"])

    def exit_code(self, pid: int) -> int | None:
        """The kernel's exit code if it has ended, else None."""
        self._read(wait_s=0)
        if pid in self._exits:
            return self._exits.pop(pid)
        if not self.alive:  # its kernels die with it (PR_SET_PDEATHSIG)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return -signal.SIGKILL
        return None

    def close(self) -> None:
        """Stop the zygote; its kernels die with it."""
        self.alive = False
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def _next_reply(self, deadline: float) -> dict[str, Any] | None:
        while True:
            for message in self._read(wait_s=max(0.0, deadline - time.monotonic())):
                if "exited" not in message:
                    return message
            if not self.alive or time.monotonic() >= deadline:
                return None

    def _read(self, wait_s: float) -> list[dict[str, Any]]:
        """Messages that have arrived (waiting up to ``wait_s`` for one); exit notices are kept aside."""
        stream = self.process.stdout
        if not self.alive or stream is None:
            return []
        replies = []
        ready, _, _ = select.select([stream], [], [], wait_s)
        while ready:
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:
                self.alive = False
                break
            self._pending += chunk
            ready, _, _ = select.select([stream], [], [], 0)
        *lines, self._pending = self._pending.split(b"\n")
        for line in lines:
            message = json.loads(line)
            if "exited" in message:
                self._exits[message["exited"]] = message["code"]
            else:
                replies.append(message)
        return replies


# ---- the zygote's side ---------------------------------------------------------------------------

def _send(message: dict[str, Any]) -> None:
    os.write(1, json.dumps(message).encode() + b"\n")


def _reap() -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _send({"exited": pid, "code": os.waitstatus_to_exitcode(status)})


def _become_kernel(request: dict[str, Any], wakeup: tuple[int, int]) -> None:
    """In the forked child: set up as ``kernel_launcher.py`` would, then run the kernel; never returns."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in wakeup:
            os.close(fd)
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.dup2(2, 1)  # the zygote's replies go to stdout: the kernel writes to the log instead
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"], JPY_PARENT_PID=str(os.getppid()))  # its parent is the zygote
        tempfile.tempdir = None  # the kernel's TMPDIR, not the zygote's
        args = kernel_launcher.parse_arguments([*request["limits"], "--", *request["argv"]])
        kernel_launcher.apply_limits(args)
        kernel_launcher.keep_memory_private(False)  # as after exec: the zygote's setting is not the kernel's
        sys.argv = [str(Path(sys.modules[KERNEL_MODULE].__file__ or KERNEL_MODULE)), *request["argv"][3:]]
        if request["argv"][2] == exam_kernel.kernel_module():  # the same kernel, behind the exam's import guard
            exam_kernel.guard()
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve() -> None:
    """The zygote: import the kernel once, then fork a kernel per request until stdin closes."""
    kernel_launcher.die_with_parent()
    kernel_launcher.keep_memory_private()  # kernels, its children, have no business in its memory
    os.environ["JPY_PARENT_PID"] = str(os.getpid())  # read once, at import: the parent a kernel watches
    if sys.path and Path(sys.path[0]) == Path.cwd():
        del sys.path[0]  # as ipykernel_launcher does; IPython puts the kernel's folder back
    import ipykernel_launcher  # noqa: F401  (the module a kernel runs; its main block does not run here)
    from ipykernel import kernelapp  # noqa: F401  (the expensive part)

    for name in PRELOADED:
        with contextlib.suppress(ImportError):  # a kernel without it simply imports less
            importlib.import_module(name)

    if threading.active_count() > 1:  # forking a process with threads could copy a held lock
        _send({"error": "the kernel's modules started a thread; kernels cannot be forked"})
        return
    wakeup = os.pipe()
    os.set_blocking(wakeup[1], False)
    signal.set_wakeup_fd(wakeup[1])
    signal.signal(signal.SIGCHLD, lambda *_: None)
    requests = os.fdopen(0, "rb", buffering=0)
    pending = b""
    while True:
        ready, _, _ = select.select([0, wakeup[0]], [], [])
        if wakeup[0] in ready:
            os.read(wakeup[0], 4096)
            _reap()
        if 0 not in ready:
            continue
        chunk = requests.read(65536)
        if not chunk:
            return
        *lines, pending = (pending + chunk).split(b"\n")
        for line in lines:
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                _become_kernel(request, wakeup)
            _send({"pid": pid})


if __name__ == "__main__":
    serve()
