"""The local attempts file and the progress summary, plot and view built from it."""

from __future__ import annotations

import html
import json
import math
import subprocess
import sys
from datetime import datetime, timezone

import pandas
import pytest
from IPython.display import HTML, Markdown

from course import knowledge
from course.progress import AttemptsError, AttemptStore, plot_progress, progress_alt, progress_outputs, summary


def _entry(module, item_id, competency, correct, score, at):
    return {"module": module, "item_id": item_id, "competency": competency,
            "correct": correct, "score": score, "at": at}


# A trainee's record: depth-01 tried twice (wrong, then right), depth-05 right,
# screening-03 wrong, screening-07 partly right.
ATTEMPTS = [
    _entry("04", "depth-01", "depth", False, 0.0, "2025-03-01T10:00:00+00:00"),
    _entry("04", "depth-01", "depth", True, 1.0, "2025-03-01T10:05:00+00:00"),
    _entry("04", "depth-05", "depth", True, 1.0, "2025-03-01T10:06:00+00:00"),
    _entry("07", "screening-03", "screening", False, 0.0, "2025-03-02T09:00:00+00:00"),
    _entry("07", "screening-07", "screening", False, 0.67, "2025-03-02T09:10:00+00:00"),
]


@pytest.fixture
def record_file(tmp_path):
    path = tmp_path / "attempts.json"
    path.write_text(json.dumps({"version": 1, "attempts": ATTEMPTS}), encoding="utf-8")
    return path


def test_record_appends_atomically_and_creates_folders(tmp_path):
    path = tmp_path / "home" / ".mesocourse" / "attempts.json"
    store = AttemptStore(path)
    assert store.attempts() == []
    when = datetime(2025, 3, 3, 9, 30, tzinfo=timezone.utc)
    store.record("04", "depth-01", "depth", True, 1.0, at=when)
    store.record("04", "depth-02", "depth", False, 0.0)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["attempts"][0] == _entry("04", "depth-01", "depth", True, 1.0, "2025-03-03T09:30:00+00:00")
    assert [a.item_id for a in store.attempts()] == ["depth-01", "depth-02"]
    # no temporary file left
    assert sorted(p.name for p in path.parent.iterdir()) == ["attempts.json", "attempts.json.lock"]
    with pytest.raises(ValueError, match="score must be in"):
        store.record("04", "depth-01", "depth", True, 1.5)


def test_path_comes_from_the_environment_or_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MESOCOURSE_ATTEMPTS", str(tmp_path / "mine.json"))
    assert AttemptStore().path == tmp_path / "mine.json"
    monkeypatch.delenv("MESOCOURSE_ATTEMPTS")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert AttemptStore().path == tmp_path / ".mesocourse" / "attempts.json"
    assert AttemptStore(tmp_path / "given.json").path == tmp_path / "given.json"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"version": 1, "attempts": [', "cannot be read as JSON"),
        ('[1, 2, 3]', "is not an attempts file"),
        ('{"version": 2, "attempts": []}', "is not an attempts file"),
        (json.dumps({"version": 1, "attempts": [{"module": "04"}]}), "attempt #1 must have exactly the keys"),
        (json.dumps({"version": 1, "attempts": [_entry("04", "d", "depth", "yes", 1.0, "2025-03-01T10:00:00")]}),
         "attempt #1, field 'correct'"),
        (json.dumps({"version": 1, "attempts": [_entry("04", "d", "depth", True, 1.0, "yesterday")]}),
         "field 'at' is not an ISO date-time"),
        (json.dumps({"version": 1, "attempts": [{**_entry("04", "d", "depth", True, 1.0, "2025-03-01T10:00:00"),
                                                 "seconds": -3}]}), "field 'seconds' must be"),
        (json.dumps({"version": 1, "attempts": [], "settings": {"target_retention": 2}}),
         "setting 'target_retention' must be"),
        (json.dumps({"version": 1, "attempts": [], "cards": {}}), "unknown top-level key(s) cards"),
    ],
)
def test_a_corrupted_file_is_named_and_never_overwritten(tmp_path, content, words):
    path = tmp_path / "attempts.json"
    path.write_text(content, encoding="utf-8")
    store = AttemptStore(path)
    with pytest.raises(AttemptsError) as caught:
        store.record("04", "depth-01", "depth", True, 1.0)
    assert str(caught.value).startswith(f"{path}: ") and words in str(caught.value)
    assert caught.value.path == path
    assert path.read_text(encoding="utf-8") == content


def test_summary_counts_items_by_their_latest_attempt(record_file):
    table = summary(AttemptStore(record_file))
    kb = knowledge.load()
    assert list(table.columns) == [
        "level", "id", "name", "items_attempted", "items_correct", "share", "attempts", "latest", "pass_mark",
    ]
    modules = table[table.level == "module"].set_index("id")
    assert list(modules.index) == [f"{n:02d}" for n in range(1, 10)]
    assert modules.loc["04", ["items_attempted", "items_correct", "attempts"]].tolist() == [2, 2, 3]
    assert modules.loc["04", "share"] == 1.0
    assert modules.loc["04", "latest"] == pandas.Timestamp("2025-03-01T10:06:00Z")
    assert modules.loc["07", ["items_attempted", "items_correct", "attempts"]].tolist() == [2, 0, 2]
    assert modules.loc["07", "share"] == 0.0
    assert modules.loc["01", "items_attempted"] == 0 and math.isnan(modules.loc["01", "share"])
    competencies = table[table.level == "competency"].set_index("id")
    assert list(competencies.index) == list(kb.competencies)
    assert competencies.loc["depth", "name"] == kb.competencies["depth"].name
    assert competencies.loc["depth", "pass_mark"] == kb.competencies["depth"].pass_mark
    assert competencies.loc["screening", ["items_attempted", "items_correct"]].tolist() == [2, 0]
    assert pandas.isna(competencies.loc["evidence", "latest"])


def test_plot_has_bars_per_module_and_per_competency_with_kb_names(record_file):
    figure = plot_progress(AttemptStore(record_file))
    top, bottom = figure.axes
    module_labels = [t.get_text() for t in top.get_yticklabels()]
    assert module_labels[0] == "Module 01 (evidence)" and module_labels[3] == "Module 04 (depth)"
    assert len(module_labels) == 9
    labels = [t.get_text() for t in bottom.get_yticklabels()]
    assert len(labels) == len(knowledge.load().competencies)
    assert labels[3].startswith("Chooses needle, angle and technique")
    widths = [patch.get_width() for patch in top.patches]
    assert widths[3] == 100 and widths[6] == 0  # module 04 all right, module 07 none right
    notes = [text.get_text() for text in top.texts]
    assert notes[3] == "2/2 items" and notes[0] == "not started"


def test_progress_view_for_no_attempts_a_record_and_a_corrupt_file(tmp_path, record_file):
    (empty,) = progress_outputs(AttemptStore(tmp_path / "none.json"))
    assert isinstance(empty, Markdown) and "No quiz attempts yet" in empty.data
    image, table = progress_outputs(record_file)
    assert isinstance(image, HTML) and image.data.startswith('<img src="data:image/png;base64,iVBORw0KGgo')
    assert list(table.id) == ["04", "07", "depth", "screening"]
    assert list(table.share) == ["100%", "0%", "100%", "0%"]
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    (message,) = progress_outputs(broken)
    assert "could not be read" in message.data and str(broken) in message.data


def test_the_progress_plot_says_in_words_what_it_shows(record_file):
    """The alt text of module 00's plot comes from the same summary as the bars: what is started,
    items right per module and competency, and each competency against its pass mark."""
    kb = knowledge.load()
    screening, depth = kb.competencies["screening"], kb.competencies["depth"]
    alt = progress_alt(summary(AttemptStore(record_file)))
    modules, competencies = alt.split(". Quiz progress, competencies: ")
    assert modules.startswith("Quiz progress, modules: 2 of 9 started — ")
    assert "Module 04 (depth): 2 of 2 items right (100%); Module 07 (screening): 0 of 2 items right (0%)" in modules
    assert competencies.startswith(f"2 of {len(kb.competencies)} started — ")
    assert f"{depth.name}: 2 of 2 items right (100%), at or above the pass mark ({depth.pass_mark:.0%})" in competencies
    assert f"{screening.name}: 0 of 2 items right (0%), below the pass mark ({screening.pass_mark:.0%})" in competencies
    (image, _table) = progress_outputs(record_file)
    assert f'alt="{html.escape(alt)}"' in image.data


def test_two_kernels_recording_at_once_lose_no_attempt(tmp_path):
    path = tmp_path / "attempts.json"
    writer = ("import sys\nfrom course.progress import AttemptStore\nstore = AttemptStore(sys.argv[1])\n"
              "for n in range(40):\n    store.record('04', f'{sys.argv[2]}-{n}', 'depth', True, 1.0)\n")
    writers = [subprocess.Popen([sys.executable, "-c", writer, str(path), name]) for name in ("a", "b")]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    recorded = sorted(a.item_id for a in AttemptStore(path).attempts())
    assert recorded == sorted(f"{name}-{n}" for name in ("a", "b") for n in range(40))
