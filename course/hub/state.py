"""The hub's one folder: every path the course server reads or writes, in one place.

::

    STATE/                     root, 0755: people traverse it to reach their home and the exchange
      hub.json                 settings (course id, grader account, address, hub database URL)
      accounts.json            who was enrolled: instructors and trainees (no passwords)
      private/                 root only, 0700: hub database, cookie secret, API tokens, logs
      course/                  the nbgrader course, grader account only (0700): source/, gradebook,
                               submitted/, autograded/, feedback/, certification registry
      exchange/                nbgrader's file-system exchange (1777); exchange/COURSE/ is the grader's
      home/ID/                 each person's home, 0700, owned by that person
      config/ROLE/             Jupyter config per role (trainee, instructor, grader; exam: a trainee
                               sitting an exam, see course.hub.exams); no secrets
      exams/sessions.json      exam sessions: each trainee's end, fixed at open (course.hub.exams);
                               exams/ is the grader's, who opens them from the instructor console
      share/                   extra Jupyter data path: kernels/mesocourse-exam, the exam kernel

The course folder is the only nbgrader-course path logic of the hub: when the
project's shared course model lands, ``course_dir`` is the line to switch.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import asdict, dataclass
from pathlib import Path

from course.coursedir import Course

ROLES = ("trainee", "instructor", "grader", "exam")  # exam: the profile of a trainee sitting an exam
VERIFY_SERVICE = "verify"  # the public verification page's hub service
DEFAULT_FOLDER = "hub-data"


@dataclass(frozen=True)
class HubSettings:
    """What ``hub.json`` records; chosen when the folder is first made."""

    course_id: str = "mesocourse"
    grader_account: str = "grader-mesocourse"
    ip: str = "127.0.0.1"
    port: int = 8000
    db_url: str = ""  # empty: SQLite in private/
    password_days: int = 7  # how long a one-time password stays valid (course.hub.passwords)
    cull_idle_minutes: float = 60  # servers idle this long are stopped (course.hub.culling); 0: never

    @property
    def formgrade_group(self) -> str:
        return f"formgrade-{self.course_id}"

    @property
    def trainee_group(self) -> str:
        return f"nbgrader-{self.course_id}"

    def staff_group(self, role: str) -> str:
        """The hub group of a staff role (``assessor``, ``clinic_manager``): ``assessors-COURSE``, ..."""
        return {"assessor": "assessors", "clinic_manager": "clinic-managers"}[role] + f"-{self.course_id}"

    @property
    def verify_page(self) -> str:
        """The hub's public certificate verification page (``course.hub.service.verify``), as a
        scanner reaches it: the host's name when the hub listens on every interface."""
        host = self.ip if self.ip not in ("", "0.0.0.0", "::") else socket.getfqdn()
        return f"http://{host}:{self.port}/services/{VERIFY_SERVICE}/"


@dataclass(frozen=True)
class HubState:
    """The folder given by ``--state`` (default ``hub-data/``), made absolute."""

    root: Path

    @classmethod
    def at(cls, folder: Path | str | None = None) -> HubState:
        chosen = folder or os.environ.get("MESOCOURSE_HUB") or DEFAULT_FOLDER
        return cls(Path(chosen).expanduser().resolve())

    # --- settings and enrolment records -------------------------------------------------
    @property
    def settings_file(self) -> Path:
        return self.root / "hub.json"

    @property
    def accounts_file(self) -> Path:
        return self.root / "accounts.json"

    def exists(self) -> bool:
        return self.settings_file.is_file()

    def settings(self) -> HubSettings:
        return HubSettings(**json.loads(self.settings_file.read_text()))

    def save_settings(self, settings: HubSettings) -> None:
        write_atomically(self.settings_file, json.dumps(asdict(settings), indent=2) + "\n", 0o644)

    # --- root-only ------------------------------------------------------------------------
    @property
    def private(self) -> Path:
        return self.root / "private"

    @property
    def hub_db_url(self) -> str:
        return self.settings().db_url or f"sqlite:///{self.private / 'jupyterhub.sqlite'}"

    @property
    def cookie_secret(self) -> Path:
        return self.private / "jupyterhub_cookie_secret"

    def token_file(self, name: str) -> Path:
        """An API token the hub gives a service (``admin``: the CLI's)."""
        return self.private / f"{name}.token"

    @property
    def log_file(self) -> Path:
        return self.private / "jupyterhub.log"

    # --- shared with people ---------------------------------------------------------------
    @property
    def course(self) -> Course:
        """The nbgrader course the hub serves, kept in its folder."""
        return Course(self.root / "course")

    @property
    def course_dir(self) -> Path:
        return self.course.root

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def homes(self) -> Path:
        return self.root / "home"

    def home(self, account: str) -> Path:
        return self.homes / account

    def config_dir(self, role: str) -> Path:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        return self.root / "config" / role

    @property
    def share(self) -> Path:
        return self.root / "share"


def write_atomically(path: Path, text: str, mode: int) -> None:
    """Write a whole file or nothing: a temp file beside it, then rename.

    The temp file is made new (never one already there, nor a symbolic link's target), so root
    writing in a folder another account owns (the grader's ``exams/``) writes only its own file."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.unlink(missing_ok=True)
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), mode)
        handle.write(text)
    os.replace(temp, path)
