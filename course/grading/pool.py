"""A pool of grading worker processes with a deadline per submission.

Each worker is a separate Python process (:mod:`.worker_process`) that loads
nbgrader once and then grades one submission at a time
(:class:`.worker.SubmissionGrader`); the parent and a worker exchange pickled
objects over a pair of pipes. Workers are plain subprocesses rather than
``multiprocessing`` children so that callers need no ``if __name__ ==
"__main__"`` guard. The parent hands out submissions and collects outcomes as
they finish. A worker that dies (a crash, the out-of-memory killer) or does not
finish a submission within its time budget plus grace is killed and replaced,
and that submission alone is reported failed. Workers, and the kernels they
start, die with the parent (``PR_SET_PDEATHSIG``), so an interrupted run leaves
no process behind. A worker writes its log (nbgrader's and the kernels') to the
log file the parent gives it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from .worker import GradingOutcome, GradingTask, WorkerSetup

WORKER_MODULE = "course.grading.worker_process"


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    tasks: Connection
    outcomes: Connection
    task: GradingTask | None = None
    started: float = 0.0


class GradingPool:
    """``size`` workers grading submissions; use as a context manager."""

    def __init__(self, size: int, setup: WorkerSetup, log_path: Path) -> None:
        self.size = max(1, size)
        self.setup = setup
        self.log_path = log_path
        self.deadline_s = setup.limits.time_budget_s + setup.limits.grace_s
        self._workers: list[_Worker] = []

    def __enter__(self) -> GradingPool:
        self._workers = [self._spawn() for _ in range(self.size)]
        for worker in self._workers:  # after every spawn: the workers load nbgrader side by side
            worker.tasks.send(self.setup)
        return self

    def __exit__(self, error_type: type[BaseException] | None, *exc: object) -> None:
        interrupted = error_type is not None  # Ctrl-C: do not wait for submissions in flight
        if not interrupted:  # ask every worker first, so they wind down side by side
            for worker in self._workers:
                self._ask_to_stop(worker)
        for worker in self._workers:
            self._stop(worker, wait_s=0 if interrupted else 5)
        self._workers = []

    def _start(self) -> _Worker:
        worker = self._spawn()
        worker.tasks.send(self.setup)
        return worker

    def _spawn(self) -> _Worker:
        """A new worker process, not yet set up."""
        task_read, task_write = os.pipe()
        outcome_read, outcome_write = os.pipe()
        with open(self.log_path, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", WORKER_MODULE, str(task_read), str(outcome_write), str(os.getpid())],
                pass_fds=(task_read, outcome_write), stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        os.close(task_read)
        os.close(outcome_write)
        return _Worker(process, Connection(task_write, readable=False), Connection(outcome_read, writable=False))

    @staticmethod
    def _ask_to_stop(worker: _Worker) -> None:
        try:
            worker.tasks.send(None)
        except OSError:
            pass  # it is gone already

    @staticmethod
    def _stop(worker: _Worker, wait_s: float = 0) -> None:
        """Let the worker exit within ``wait_s`` seconds, then kill it."""
        try:
            worker.process.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            pass
        if worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait()
        worker.tasks.close()
        worker.outcomes.close()

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker)
        self._workers[self._workers.index(worker)] = self._start()

    def grade(self, tasks: Iterable[GradingTask]) -> Iterator[GradingOutcome]:
        """Yield one outcome per task, in the order they finish."""
        waiting = deque(tasks)
        while waiting or any(worker.task for worker in self._workers):
            for worker in self._workers:
                if worker.task is None and waiting:
                    worker.task, worker.started = waiting.popleft(), time.monotonic()
                    worker.tasks.send(worker.task)
            busy = [worker for worker in self._workers if worker.task]
            next_deadline = min(worker.started + self.deadline_s for worker in busy)
            ready = wait([worker.outcomes for worker in busy], timeout=max(0.0, next_deadline - time.monotonic()))
            for worker in busy:
                outcome = self._collect(worker, worker.outcomes in ready)
                if outcome is not None:
                    yield outcome

    def _collect(self, worker: _Worker, ready: bool) -> GradingOutcome | None:
        """The worker's outcome if it has one, or a failure if it died or overran."""
        task = worker.task
        assert task is not None
        elapsed = time.monotonic() - worker.started
        if ready:
            try:
                outcome: GradingOutcome = worker.outcomes.recv()
            except (EOFError, OSError):  # the worker died
                worker.process.wait()
                code = worker.process.returncode
                self._replace(worker)
                return GradingOutcome.failed(task, [f"the grading process stopped unexpectedly (exit code {code})"],
                                             elapsed, retry=True)
            worker.task = None
            return outcome
        if elapsed > self.deadline_s:
            self._replace(worker)
            return GradingOutcome.failed(task, [f"not finished {self.deadline_s:g} s after it started "
                                                "(time budget plus grace); it was stopped"], elapsed)
        return None
