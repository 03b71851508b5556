"""Course commands run in the background, one at a time, with their output and progress.

An action of the console is a :class:`Job`: one or more commands (``nbgrader ...``,
``mesocourse ...``) run in order as the service's account (the grader) in the course
folder, with the grader's environment. Their output is kept line by line; a line with
``[N/M]`` (how ``mesocourse grade`` and ``feedback`` report each trainee) moves the
progress. Only one job runs at a time: grading and feedback write the same gradebook.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from dataclasses import dataclass, field
from typing import Literal

PROGRESS = re.compile(r"\[(\d+)/(\d+)\]")
_numbers = itertools.count(1)


@dataclass
class Job:
    """What an instructor asked for, and what came of it so far."""

    title: str
    commands: list[list[str]]
    id: int = field(default_factory=lambda: next(_numbers))
    lines: list[str] = field(default_factory=list)
    done: int = 0
    total: int = 0
    status: Literal["running", "done", "failed"] = "running"
    outcome: str = ""  # in plain words, once finished

    def as_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "status": self.status, "done": self.done, "total": self.total,
                "outcome": self.outcome, "lines": self.lines[-400:]}

    def read(self, line: str) -> None:
        self.lines.append(line)
        found = PROGRESS.search(line)
        if found:
            self.done, self.total = int(found.group(1)), int(found.group(2))


class JobRunner:
    """Runs one job at a time; keeps every job of this service's life for its page."""

    def __init__(self, env: dict[str, str], cwd: str) -> None:
        self.env, self.cwd = env, cwd
        self.jobs: dict[int, Job] = {}

    def busy(self) -> Job | None:
        return next((job for job in self.jobs.values() if job.status == "running"), None)

    def start(self, title: str, commands: list[list[str]]) -> Job:
        """Start a job (the caller checked :meth:`busy` first)."""
        job = Job(title, commands)
        self.jobs[job.id] = job
        asyncio.get_running_loop().create_task(self._run(job))
        return job

    async def _run(self, job: Job) -> None:
        for argv in job.commands:
            job.read("$ " + " ".join(argv))
            try:
                process = await asyncio.create_subprocess_exec(
                    *argv, cwd=self.cwd, env=self.env, stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.STDOUT, stdin=asyncio.subprocess.DEVNULL)
            except OSError as error:
                job.status, job.outcome = "failed", f"{argv[0]} could not start: {error}"
                return
            assert process.stdout is not None
            async for raw in process.stdout:
                job.read(raw.decode(errors="replace").rstrip())
            status = await process.wait()
            if status != 0:
                last = next((line for line in reversed(job.lines) if line.strip()), "")
                job.status = "failed"
                job.outcome = f"`{' '.join(argv[:3])}` failed (exit status {status}): {last}"
                return
        job.status, job.outcome = "done", f"{job.title}: done."
