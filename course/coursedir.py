"""The course folder: where a course keeps everything, worked out once.

Any standard nbgrader course works. Its ``nbgrader_config.py`` (after the user's
and the system's Jupyter config folders, as for the ``nbgrader`` command) is read
once, by nbgrader's own config loader, and decides what nbgrader decides: the
``source/``, ``release/``, ``submitted/``, ``autograded/`` and ``feedback/``
folders, the gradebook URL (``CourseDirectory.db_url``; SQLite
``DIR/gradebook.db`` by default, any SQLAlchemy URL nbgrader accepts) and every
grading option. The folder given on the command line is the course root whatever
the config says, and a relative SQLite path in ``db_url`` is read from that root,
as when ``nbgrader`` runs there.

mesocourse adds ``reports/`` (grading sheets and the cohort report),
``.mesocourse/`` (resumable grading state, the variant secret), ``certification/`` (the default
registry ``certification/registry.db``, the certificates and the issuer's keys) and the competency
tags of the grade cells in ``source/`` (:func:`course.assignments.tags.course_tags`).

A folder that is not a course, a config that does not load, or a gradebook that
is not there when a command needs one is a :class:`~course.errors.CourseError`
naming it, raised before anything is written: nbgrader's ``Gradebook()`` would
otherwise create an empty gradebook wherever it is pointed.
"""

from __future__ import annotations

import glob
import os
import re
import sqlite3
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CourseError

if TYPE_CHECKING:
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

CONFIG_FILE = "nbgrader_config.py"
DEFAULT_GRADEBOOK = "gradebook.db"
REGISTRY_ENV = "MESOCOURSE_REGISTRY"
ISSUER_ENV = "MESOCOURSE_ISSUER"
STEPS = ("source", "release", "submitted", "autograded", "feedback")
GRADEBOOK_TABLES = frozenset({"assignment", "notebook", "grade_cells", "student", "submitted_assignment", "grade"})
SQLITE_HEADER = b"SQLite format 3\x00"


def load_nbgrader_config(root: Path, skip_broken: bool = False) -> Config:
    """The nbgrader config in force in a folder, as the ``nbgrader`` command reads it there: the
    Jupyter config folders' ``nbgrader_config.py``, lowest priority first, then the folder's own.

    A file that does not load is a :class:`CourseError` naming it, or, with ``skip_broken``
    (a trainee's notebook asking only for its student id), left out."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    for folder in [*reversed(jupyter_config_path()), str(root)]:
        if Path(folder, CONFIG_FILE).is_file():
            try:
                config.merge(PyFileConfigLoader(CONFIG_FILE, path=folder).load_config())
            except Exception as error:  # the config file is instructor code
                if skip_broken:
                    continue
                reason = " ".join(f"{error.__class__.__name__}: {error}".split())
                raise CourseError(f"{Path(folder, CONFIG_FILE)}: cannot be loaded: {reason}") from error
    return config


def absolute_db_url(url: str, root: Path) -> str:
    """A relative SQLite path is relative to the course root, as when nbgrader runs there."""
    match = re.fullmatch(r"sqlite:///(?!/)(?!file:)([^?]+)(\?.*)?", url)
    if not match or url.startswith("sqlite:///:memory:"):
        return url
    return f"sqlite:///{(root / match.group(1)).resolve()}{match.group(2) or ''}"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory ones).

    A plain ``sqlite:///PATH`` (no query) is read without SQLAlchemy (whose import the
    report does without), giving what ``make_url(url).database`` gives."""
    plain = re.fullmatch(r"sqlite:///([^?]+)", url)
    if plain and plain.group(1) != ":memory:" and not plain.group(1).startswith("file:"):
        return Path(plain.group(1))
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CourseError(f"'{url}' is not a database URL (e.g. sqlite:///gradebook.db)") from None
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _tables(url: str, path: Path | None) -> set[str]:
    """The tables of a database, opened read-only: looking creates nothing."""
    if path is not None:
        with path.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise CourseError(f"{path}: not a gradebook (not an SQLite database)")
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as error:
            raise CourseError(f"{path}: not a readable gradebook ({error})") from None
        finally:
            connection.close()
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.exc import SQLAlchemyError

    try:
        engine = create_engine(url)
    except Exception as error:  # an unknown driver, a malformed URL
        raise CourseError(f"cannot use the gradebook {url}: {error}") from None
    try:
        return set(inspect(engine).get_table_names())
    except SQLAlchemyError as error:
        raise CourseError(f"cannot open the gradebook {engine.url!r}: {error.__class__.__name__}: "
                          f"{' '.join(str(getattr(error, 'orig', error)).split())}") from None
    finally:
        engine.dispose()


def require_gradebook(url: str) -> str:
    """``url`` if an nbgrader gradebook is there; :class:`CourseError` naming what is there instead."""
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise CourseError(f"no gradebook at {path}: generate and grade an assignment first "
                          "(`nbgrader generate_assignment`, `mesocourse grade`), or give the gradebook's URL")
    missing = GRADEBOOK_TABLES - _tables(url, path)
    if missing:
        raise CourseError(f"{path or url}: a database, but not an nbgrader gradebook "
                          f"(no table {', '.join(sorted(missing))})")
    return url


@dataclass(frozen=True)
class Course:
    """An nbgrader course folder, as nbgrader and mesocourse see it. Open with :meth:`open`."""

    root: Path

    def __reduce__(self) -> tuple[type[Course], tuple[Path]]:
        """Pickled as its folder (a worker process gets the course; the config is read again there)."""
        return Course, (self.root,)

    @classmethod
    def open(cls, root: Path | str) -> Course:
        """The course at ``root``; :class:`CourseError` if the folder is missing or is no course.

        A course folder holds an ``nbgrader_config.py``, a ``source/`` folder or its gradebook.
        """
        path = Path(root).expanduser().resolve()
        if not path.exists():
            raise CourseError(f"{path}: no such course folder")
        if not path.is_dir():
            raise CourseError(f"{path}: not a folder (give the nbgrader course folder)")
        course = cls(path)
        gradebook = sqlite_file(course.db_url)
        if not (course.config_file.is_file() or course.source.is_dir() or (gradebook and gradebook.is_file())):
            raise CourseError(f"{path}: not an nbgrader course folder (no {CONFIG_FILE}, no "
                              f"{course.source.name}/ folder, no gradebook at {gradebook or course.db_url})")
        return course

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @cached_property
    def config(self) -> Config:
        """The nbgrader config in force for this course (read once)."""
        return load_nbgrader_config(self.root)

    @cached_property
    def coursedir(self) -> CourseDirectory:
        """nbgrader's ``CourseDirectory`` for this course: its root, absolute gradebook URL."""
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=self.config)
        coursedir.root = str(self.root)
        coursedir.db_url = absolute_db_url(coursedir.db_url, self.root)
        return coursedir

    def _setting(self, name: str, default: str) -> str:
        """``CourseDirectory.<name>`` as nbgrader resolves it: the config's string, else
        nbgrader's ``default``. Read from the config without importing nbgrader (seconds
        of start-up, which ``report`` does without); any other value goes through
        nbgrader's own trait, so it is accepted or refused as nbgrader does."""
        section = self.config["CourseDirectory"] if "CourseDirectory" in self.config else {}
        value = section.get(name, default)
        return value if isinstance(value, str) else str(getattr(self.coursedir, name))

    @property
    def course_id(self) -> str:
        return self.coursedir.course_id

    @cached_property
    def db_url(self) -> str:
        """The gradebook URL, as nbgrader resolves it for this course (``DIR/gradebook.db`` by default)."""
        if "db_url" not in self.config.get("CourseDirectory", {}):
            return f"sqlite:///{self.root / DEFAULT_GRADEBOOK}"  # nbgrader's default, under the root
        return absolute_db_url(self._setting("db_url", ""), self.root)

    def gradebook(self, override: str | None = None) -> str:
        """The URL of the existing gradebook (``override``, e.g. ``--db``, else the course's).

        Raises :class:`CourseError` when there is none, so that nbgrader never
        creates an empty gradebook by being pointed at a wrong place.
        """
        return require_gradebook(override or self.db_url)

    def step(self, step: str) -> Path:
        """The folder of one of nbgrader's steps:
        ``source``, ``release``, ``submitted``, ``autograded``, ``feedback``."""
        if step not in STEPS:
            raise ValueError(f"unknown nbgrader step '{step}' (known: {', '.join(STEPS)})")
        return self.root / self._setting(f"{step}_directory", step)  # nbgrader's defaults are the step names

    @property
    def source(self) -> Path:
        return self.step("source")

    @property
    def release(self) -> Path:
        return self.step("release")

    @property
    def submitted(self) -> Path:
        return self.step("submitted")

    @property
    def autograded(self) -> Path:
        return self.step("autograded")

    @property
    def feedback(self) -> Path:
        return self.step("feedback")

    @property
    def reports(self) -> Path:
        """Grading sheets and the cohort report."""
        return self.root / "reports"

    def gradesheet(self, assignment: str) -> Path:
        """The grading sheet ``mesocourse grade`` writes for ``assignment``: a status and notes per submission."""
        return self.reports / f"grading-{assignment}.csv"

    @property
    def cohort_report(self) -> Path:
        """Where the demo and the course server put the cohort report (``mesocourse report --out`` chooses its own)."""
        return self.reports / "cohort-report.html"

    @property
    def state_folder(self) -> Path:
        """mesocourse's own bookkeeping, beside nbgrader's folders."""
        return self.root / ".mesocourse"

    @property
    def grading_state(self) -> Path:
        """Resumable grading: each assignment's ledger and worker log."""
        return self.state_folder / "grading"

    @property
    def certification(self) -> Path:
        """The default registry and the certificates."""
        return self.root / "certification"

    @property
    def certificates(self) -> Path:
        """The certificates issued (PDF, HTML, signed credentials), unless ``certify --out`` says otherwise."""
        return self.certification / "certificates"

    @property
    def registry_file(self) -> Path:
        return self.certification / "registry.db"

    @property
    def issuer_folder(self) -> Path:
        """The certificate issuer's keys: ``$MESOCOURSE_ISSUER``, else the course's ``certification/``."""
        return Path(os.environ.get(ISSUER_ENV) or self.certification).resolve()

    @property
    def variant_secret(self) -> Path:
        """The secret each trainee's variant is an HMAC of (``course.assignments.allocation``): never released."""
        return self.state_folder / "variant-secret"

    def folder(self, step: str, student: str, assignment: str) -> Path:
        """One student's folder of ``assignment`` at ``step`` (``source``, ``submitted``, ``autograded``, ...)."""
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



def registry_url(option: str | None, course: Course) -> str:
    """The certification registry: ``option`` (``--registry``), else ``$MESOCOURSE_REGISTRY``,
    else the course's ``certification/registry.db`` (then the course must exist).

    A value without ``://`` is a SQLite file path.
    """
    chosen = option or os.environ.get(REGISTRY_ENV) or str(Course.open(course.root).registry_file)  # a course, checked
    return chosen if "://" in chosen else f"sqlite:///{Path(chosen).resolve()}"
