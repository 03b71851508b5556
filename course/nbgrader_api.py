"""Calling nbgrader's Python API (``NbGraderAPI``): its tools on ``PATH``, its failures in one line.

Where a course's folders and gradebook are is :mod:`course.coursedir`'s job.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path


def put_python_tools_on_path() -> None:
    """Make this Python environment's commands the ones nbgrader finds.

    nbgrader starts ``alembic`` by name (``generate_assignment``, new gradebooks);
    prepending the running interpreter's ``bin`` folder to ``PATH`` finds it
    without asking users to activate the environment first.
    """
    tools = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if tools not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join(filter(None, [tools, path]))


def failure_reason(result: dict[str, str]) -> str:
    """The most telling line of a failed ``NbGraderAPI`` call (``{success, log, error}``)."""
    text = result.get("log", "") + "\n" + result.get("error", "")
    errors = [line.strip() for line in text.splitlines()
              if re.match(r"^\s*[\w.]+(Error|Exception): ", line) and "Please see" not in line]
    logged = [line.removeprefix("[ERROR] ") for line in text.splitlines() if line.startswith("[ERROR] ")]
    return (errors or logged or ["no reason given"])[-1][:300]
