"""An nbgrader course folder as nbgrader itself sees it.

Any standard nbgrader course works: the course's own ``nbgrader_config.py`` (and
the user's and system's Jupyter config folders, as for the ``nbgrader`` command)
decide where submissions, autograded notebooks and feedback live, which
gradebook URL to use (SQLite by default, any SQLAlchemy URL nbgrader accepts)
and every grading option (timeouts, late penalties, files not to overwrite).
The folder given on the command line is the course root whatever the config
says, and a relative SQLite path in the config is read from that root, as when
``nbgrader`` runs there.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from .errors import GradingError

CONFIG_FILE = "nbgrader_config.py"


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


def load_nbgrader_config(root: Path) -> Config:
    """The nbgrader config in force for a course: Jupyter config folders, lowest
    priority first, then the course's own ``nbgrader_config.py``."""
    from jupyter_core.paths import jupyter_config_path

    config = Config()
    for folder in [*reversed(jupyter_config_path()), str(root)]:
        if Path(folder, CONFIG_FILE).is_file():
            try:
                config.merge(PyFileConfigLoader(CONFIG_FILE, path=folder).load_config())
            except Exception as error:  # the config file is instructor code
                raise GradingError(f"{Path(folder, CONFIG_FILE)}: cannot be loaded: {error}") from error
    return config


def _absolute_db_url(url: str, root: Path) -> str:
    """A relative SQLite path is relative to the course root, as when nbgrader runs there."""
    match = re.fullmatch(r"sqlite:///(?!/)(?!file:)([^?]+)(\?.*)?", url)
    if not match or url.startswith("sqlite:///:memory:"):
        return url
    return f"sqlite:///{(root / match.group(1)).resolve()}{match.group(2) or ''}"


@dataclass(frozen=True)
class NbgraderCourse:
    """A course root with its nbgrader config; paths and gradebook URL as nbgrader resolves them."""

    root: Path
    config: Config

    @classmethod
    def open(cls, root: Path | str) -> NbgraderCourse:
        path = Path(root).expanduser().resolve()
        if not path.is_dir():
            raise GradingError(f"{path}: no such course folder")
        return cls(path, load_nbgrader_config(path))

    @cached_property
    def coursedir(self) -> CourseDirectory:
        coursedir = CourseDirectory(config=self.config)
        coursedir.root = str(self.root)
        coursedir.db_url = _absolute_db_url(coursedir.db_url, self.root)
        return coursedir

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    @property
    def course_id(self) -> str:
        return self.coursedir.course_id

    def folder(self, step: str, student: str, assignment: str) -> Path:
        """``step`` is ``source``, ``submitted``, ``autograded`` or ``feedback``."""
        coursedir = self.coursedir
        return Path(coursedir.format_path(getattr(coursedir, f"{step}_directory"), student, assignment))

    def students_with(self, step: str, assignment: str) -> dict[str, Path]:
        """Student ID -> that student's folder of ``assignment`` at ``step``, for every student who has one."""
        coursedir = self.coursedir
        directory = getattr(coursedir, f"{step}_directory")
        pattern = coursedir.format_path(directory, "(?P<student_id>[^/]+)", re.escape(assignment), escape=True)
        found = {}
        for name in sorted(glob.glob(coursedir.format_path(directory, "*", glob.escape(assignment)))):
            match = re.fullmatch(pattern, name)
            if match and os.path.isdir(name) and not match.group("student_id").startswith("."):
                found[match.group("student_id")] = Path(name)
        return found

    @property
    def reports_folder(self) -> Path:
        return self.root / "reports"

    @property
    def state_folder(self) -> Path:
        """mesocourse's own bookkeeping, beside nbgrader's folders."""
        return self.root / ".mesocourse"
