"""Running an instructor's command as the course's grader account, in the course folder.

What a command typed in a terminal of the grader's server does, from a root
shell or a test: the same account, the same folder, the same Jupyter config
(the exchange, the course id).
"""

from __future__ import annotations

import subprocess
from typing import Any

from .accounts import as_account
from .spawner import course_environment
from .state import HubState


def run_as_grader(state: HubState, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
    return as_account(state.settings().grader_account, argv, env=course_environment(state, "grader"),
                      cwd=str(state.course_dir), **kwargs)
