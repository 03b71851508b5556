"""A trainee's quiz attempts, kept locally, and where they stand per module and competency.

Every checked quiz answer is appended to a JSON file: ``$MESOCOURSE_ATTEMPTS``, or
``~/.mesocourse/attempts.json``, or a path you give. The file is rewritten
atomically (a temporary file renamed over it), so an interrupted write never
leaves half a file, and under a lock on a sibling ``.lock`` file, so two kernels
recording at the same instant both keep their attempt. A file that cannot be read
as attempts raises :class:`AttemptsError` naming it and is never overwritten: the
trainee's record is theirs to repair.

The format is ``{"version": 1, "attempts": [...]}``. Two later additions are
optional, so every earlier file still reads as it is: an attempt may carry
``seconds`` (the time the answer took), and the file may carry
``settings`` (``{"target_retention": 0.9}``, read by :mod:`course.review`). A
rewrite keeps every attempt and the settings, and writes ``seconds`` only where
it was recorded.

``summary`` and ``plot_progress`` read the file; module 00 calls ``show_progress``.
pandas and matplotlib load only inside the functions that need them.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course import knowledge
from course.errors import MesocourseError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    import pandas
    from matplotlib.figure import Figure

ENV = "MESOCOURSE_ATTEMPTS"
FORMAT_VERSION = 1
SETTINGS = {"target_retention": (0.7, 0.99)}  # name -> allowed range (inclusive)
SUMMARY_COLUMNS = ["level", "id", "name", "items_attempted", "items_correct", "share", "attempts", "latest",
                   "pass_mark"]


class AttemptsError(MesocourseError, ValueError):
    """The attempts file exists but is not a readable record of attempts."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = path
        super().__init__(f"{path}: {message}. The file was left as it is: repair or move it to start a new record.")


@dataclass(frozen=True)
class Attempt:
    """One checked answer: which item, its competency, the mark, when (UTC, ISO 8601)
    and, when recorded, how many seconds the answer took."""

    module: str
    item_id: str
    competency: str
    correct: bool
    score: float
    at: str
    seconds: float | None = None

    def as_entry(self) -> dict[str, Any]:
        """The attempt as stored: ``seconds`` only when it was recorded."""
        entry = asdict(self)
        if self.seconds is None:
            del entry["seconds"]
        return entry


def default_path() -> Path:
    configured = os.environ.get(ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".mesocourse" / "attempts.json"


def _attempt(entry: Any, position: int, path: Path) -> Attempt:
    fields: dict[str, type | tuple[type, ...]] = {
        "module": str, "item_id": str, "competency": str, "correct": bool, "score": (int, float), "at": str,
    }
    optional: dict[str, type | tuple[type, ...]] = {"seconds": (int, float)}
    if not isinstance(entry, dict) or not set(fields) <= set(entry) <= set(fields) | set(optional):
        raise AttemptsError(path, f"attempt #{position + 1} must have exactly the keys {', '.join(fields)} "
                                  f"(and optionally {', '.join(optional)})")
    for key, kind in {**fields, **optional}.items():
        value = entry.get(key, 0)
        if not isinstance(value, kind) or (key in ("score", "seconds") and isinstance(value, bool)):
            raise AttemptsError(path, f"attempt #{position + 1}, field '{key}' has the wrong type ({value!r})")
    if not 0 <= entry.get("seconds", 0) < math.inf:
        raise AttemptsError(path, f"attempt #{position + 1}, field 'seconds' must be a finite number >= 0")
    try:
        datetime.fromisoformat(entry["at"])
    except ValueError:
        raise AttemptsError(path, f"attempt #{position + 1}, field 'at' is not an ISO date-time "
                                  f"({entry['at']!r})") from None
    seconds = entry.get("seconds")
    return Attempt(**{**entry, "score": float(entry["score"]), "seconds": None if seconds is None else float(seconds)})


def _settings(data: dict[str, Any], path: Path) -> dict[str, float]:
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise AttemptsError(path, "'settings' must be a mapping")
    for name, value in settings.items():
        if name not in SETTINGS:
            raise AttemptsError(path, f"unknown setting '{name}' (known: {', '.join(SETTINGS)})")
        low, high = SETTINGS[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise AttemptsError(path, f"setting '{name}' must be a number from {low} to {high}, got {value!r}")
    return {name: float(value) for name, value in settings.items()}


class AttemptStore:
    """The attempts file at ``path`` (default: :func:`default_path`)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_path()

    def read(self) -> tuple[list[Attempt], dict[str, float]]:
        """Every recorded attempt (oldest first) and the settings; ([], {}) when there is no file yet."""
        if not self.path.exists():
            return [], {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise AttemptsError(self.path, f"cannot be read as JSON ({error})") from None
        if (not isinstance(data, dict) or data.get("version") != FORMAT_VERSION
                or not isinstance(data.get("attempts"), list)):
            raise AttemptsError(self.path,
                                f'is not an attempts file ({{"version": {FORMAT_VERSION}, "attempts": [...]}})')
        extra = set(data) - {"version", "attempts", "settings"}
        if extra:
            raise AttemptsError(self.path, f"unknown top-level key(s) {', '.join(sorted(extra))}")
        return [_attempt(entry, n, self.path) for n, entry in enumerate(data["attempts"])], _settings(data, self.path)

    def attempts(self) -> list[Attempt]:
        """Every recorded attempt, oldest first; [] when the file does not exist yet."""
        return self.read()[0]

    def settings(self) -> dict[str, float]:
        """The trainee's settings (e.g. ``target_retention``); {} when none are stored."""
        return self.read()[1]

    def record(
        self, module: str, item_id: str, competency: str, correct: bool, score: float, at: datetime | None = None,
        seconds: float | None = None,
    ) -> Attempt:
        """Append one attempt and rewrite the file atomically; returns the attempt."""
        if not 0 <= score <= 1:
            raise ValueError(f"score must be in [0, 1], got {score!r}")
        if seconds is not None and not 0 <= seconds < math.inf:
            raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
        moment = (at or datetime.now(timezone.utc)).isoformat(timespec="seconds")
        taken = None if seconds is None else round(float(seconds), 1)
        attempt = Attempt(module, item_id, competency, bool(correct), float(score), moment, taken)
        return self.add([attempt])[-1]

    def add(self, new: list[Attempt], *, unique: bool = False) -> list[Attempt]:
        """Append ``new`` attempts under the lock; returns every attempt now recorded.

        With ``unique`` an attempt already recorded (every field equal) is not added
        again, so merging the same file twice changes nothing.
        """
        with self._locked():  # another kernel's read-modify-write waits: no attempt is lost
            attempts, settings = self.read()  # raises, leaving the file alone, if it is corrupt
            if unique:
                known = set(attempts)
                new = [a for a in dict.fromkeys(new) if a not in known]
            self._save(attempts + new, settings)
            return attempts + new

    def set(self, name: str, value: float) -> None:
        """Store one setting (e.g. ``target_retention``), keeping every attempt."""
        if name not in SETTINGS:
            raise ValueError(f"unknown setting '{name}' (known: {', '.join(SETTINGS)})")
        low, high = SETTINGS[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ValueError(f"{name} must be a number from {low} to {high}, got {value!r}")
        with self._locked():
            attempts, settings = self.read()
            self._save(attempts, {**settings, name: float(value)})

    def _save(self, attempts: list[Attempt], settings: dict[str, float]) -> None:
        data: dict[str, Any] = {"version": FORMAT_VERSION, "attempts": [a.as_entry() for a in attempts]}
        if settings:
            data["settings"] = settings
        self._write(data)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive lock on the sibling ``.lock`` file, creating the folder first."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            if fcntl is not None:  # POSIX; elsewhere the last writer wins
                fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _write(self, data: dict[str, Any]) -> None:
        """Replace the file atomically; called under ``_locked``, which made the folder."""
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".attempts-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(data, stream, indent=1)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _as_store(store: AttemptStore | Path | str | None) -> AttemptStore:
    return store if isinstance(store, AttemptStore) else AttemptStore(store)


def _row(level: str, key: str, name: str, attempts: list[Attempt], pass_mark: float) -> dict[str, Any]:
    latest: dict[str, Attempt] = {}
    for attempt in attempts:  # oldest first: the last one per item wins
        latest[attempt.item_id] = attempt
    correct = sum(a.correct for a in latest.values())
    return {
        "level": level,
        "id": key,
        "name": name,
        "items_attempted": len(latest),
        "items_correct": correct,
        "share": correct / len(latest) if latest else math.nan,
        "attempts": len(attempts),
        "latest": max((a.at for a in attempts), default=None),
        "pass_mark": pass_mark,
    }


def summary(store: AttemptStore | Path | str | None = None) -> "pandas.DataFrame":
    """Where the trainee stands: one row per module, then one per competency.

    An item counts once, by its latest attempt: ``items_attempted`` distinct items,
    ``items_correct`` those whose latest answer was right, ``share`` their ratio
    (NaN before any attempt), ``attempts`` every check, ``latest`` the last check's
    time. Every module and competency of the knowledge base has a row, attempted
    or not; ``pass_mark`` is the competency's certification pass mark (NaN for modules).
    """
    import pandas

    attempts = _as_store(store).attempts()
    competencies = knowledge.load().competencies
    modules = sorted({m for c in competencies.values() for m in c.modules} | {a.module for a in attempts})
    topics = {m: ", ".join(c.id for c in competencies.values() if m in c.modules) for m in modules}
    rows = [
        _row("module", m, f"Module {m} ({topics[m]})" if topics[m] else f"Module {m}",
             [a for a in attempts if a.module == m], math.nan)
        for m in modules
    ] + [
        _row("competency", c.id, c.name, [a for a in attempts if a.competency == c.id], c.pass_mark)
        for c in competencies.values()
    ]
    frame = pandas.DataFrame(rows, columns=SUMMARY_COLUMNS)
    frame["latest"] = pandas.to_datetime(frame["latest"], utc=True)
    return frame


def _bars(axes: Any, rows: "pandas.DataFrame", title: str, labels: list[str]) -> None:
    shares = rows["share"].fillna(0.0) * 100
    positions = range(len(rows))
    axes.barh(positions, shares, color="#4c78a8")
    for position, (_, row) in zip(positions, rows.iterrows()):
        attempted = row["items_attempted"]
        note = f"{row['items_correct']}/{attempted} items" if attempted else "not started"
        axes.text(101, position, note, va="center", fontsize=8)
        if not math.isnan(row["pass_mark"]):
            axes.plot([row["pass_mark"] * 100] * 2, [position - 0.4, position + 0.4], color="#e45756", linewidth=2)
    axes.set_yticks(list(positions), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 125)
    axes.set_xticks([0, 25, 50, 75, 100])
    axes.set_xlabel("items right at their latest attempt (%)")
    axes.set_title(title, loc="left", fontsize=10)


def plot_progress(store: AttemptStore | Path | str | None = None) -> "Figure":
    """Bars of the share of items right per module and per competency (KB names).

    A red tick marks each competency's certification pass mark, for orientation only:
    certification also counts graded assignments and observed practice.
    """
    import textwrap

    from matplotlib.figure import Figure

    table = summary(store)
    modules, competencies = table[table.level == "module"], table[table.level == "competency"]
    figure = Figure(figsize=(9, 2 + 0.35 * len(table)), layout="constrained")
    top, bottom = figure.subplots(2, 1, height_ratios=[len(modules), len(competencies)])
    _bars(top, modules, "Quiz progress per module", list(modules["name"]))
    _bars(bottom, competencies, "Per competency (red: certification pass mark)",
          [textwrap.shorten(name, 60, placeholder="…") for name in competencies["name"]])
    return figure


def progress_alt(table: "pandas.DataFrame") -> str:
    """What the progress plot shows, in words (its alt text), from the same ``summary`` table:
    each started module's and competency's items right, and where a competency stands
    against its pass mark, e.g. "Screening: 0 of 2 items right (0%), below the pass mark (80%)"."""

    def says(row: Any) -> str:
        said = f"{row['name']}: {row['items_correct']} of {row['items_attempted']} items right ({row['share']:.0%})"
        if not math.isnan(row["pass_mark"]):
            side = "at or above" if row["share"] >= row["pass_mark"] else "below"
            said += f", {side} the pass mark ({row['pass_mark']:.0%})"
        return said

    parts = []
    for level, title in (("module", "modules"), ("competency", "competencies")):
        rows = table[table.level == level]
        started = rows[rows.items_attempted > 0]
        listed = "; ".join(says(row) for _, row in started.iterrows())
        parts.append(f"Quiz progress, {title}: {len(started)} of {len(rows)} started"
                     + (f" — {listed}" if listed else ""))
    return ". ".join(parts) + "."


def progress_outputs(store: AttemptStore | Path | str | None = None) -> list[Any]:
    """What module 00 displays: a message, or the plot (PNG) and the summary table."""
    import io

    from IPython.display import HTML, Markdown

    from course.widgets.plotting import img_tag

    store = _as_store(store)
    try:
        attempts = store.attempts()
    except AttemptsError as error:
        return [Markdown(f"**Your progress file could not be read.** {error}")]
    if not attempts:
        return [Markdown(
            "No quiz attempts yet: check an answer in any module's quiz and your progress "
            f"appears here (recorded in `{store.path}`)."
        )]
    buffer = io.BytesIO()
    plot_progress(store).savefig(buffer, format="png", dpi=100)
    table = summary(store)
    figure = HTML(img_tag(buffer.getvalue(), progress_alt(table), max_width="900px"))
    table = table[table.items_attempted > 0].drop(columns=["pass_mark"]).reset_index(drop=True)
    table["share"] = (table["share"] * 100).round().astype(int).astype(str) + "%"
    return [figure, table]


def show_progress(store: AttemptStore | Path | str | None = None) -> None:
    """Display the progress plot and table, or a friendly message (module 00)."""
    from IPython.display import display

    display(*progress_outputs(store))
