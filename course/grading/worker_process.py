"""A grading worker process: ``python -m course.grading.worker_process TASKS OUTCOMES PARENT``.

Started by :class:`.pool.GradingPool`. It skips unused imports before loading
nbgrader (:mod:`course.startup`), checks nbgrader's metadata schema once rather than
for every cell (:mod:`.speedups`), sets itself up from the first message on the
task pipe (:class:`.worker.WorkerSetup`), then grades one task at a time and
sends each outcome back, until the pipe closes or brings ``None``.
"""

from __future__ import annotations

import os
import signal
import sys
from multiprocessing.connection import Connection

from course.startup import skip_unused_imports

skip_unused_imports()

from .kernel_launcher import die_with_parent, keep_memory_private  # noqa: E402
from .speedups import remember_checked_schemas, reuse_engines  # noqa: E402
from .worker import SubmissionGrader  # noqa: E402


def worker_main(tasks: Connection, outcomes: Connection, parent: int) -> None:
    """Set up from the first message, then grade until told to stop."""
    die_with_parent()
    keep_memory_private()  # it holds the hidden tests in memory
    if os.getppid() != parent:
        return  # the parent is already gone
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    remember_checked_schemas()
    reuse_engines()
    grader = SubmissionGrader(tasks.recv())
    try:
        while True:
            try:
                task = tasks.recv()
            except EOFError:
                return
            if task is None:
                return
            outcome = grader.grade(task)
            sys.stdout.flush()
            outcomes.send(outcome)
    finally:
        grader.zygote.close()  # waited for, so its kernels' CPU time counts in this worker's


if __name__ == "__main__":
    task_fd, outcome_fd, parent_pid = (int(arg) for arg in sys.argv[1:4])
    worker_main(Connection(task_fd, writable=False), Connection(outcome_fd, readable=False), parent_pid)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # nothing left to clean up: skip tearing down nbgrader's modules (the parent waits for this)
