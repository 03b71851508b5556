"""`mesocourse expiring --attempts DIR`: for each certificate due, the competencies with
the lowest predicted retention at its expiry, lowest first (hand-computed FSRS figures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from certification_builders import Trainee, build_course, observe_all

from course.cli import main

DECAY = -0.1542
FACTOR = 0.9 ** (1 / DECAY) - 1


def recall(days: int, stability: float) -> float:
    return (1 + FACTOR * days / stability) ** DECAY


def test_expiring_lists_the_competencies_to_refresh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    course = build_course(tmp_path / "course", [Trainee("renew", "Rene", "Wal"), Trainee("nofile", "No", "File")])
    registry = f"sqlite:///{tmp_path / 'registry.db'}"
    for trainee in ("renew", "nofile"):
        observe_all(registry, trainee, level=4, day="2024-02-01")
    assert main(["certify", "--course", str(course), "--registry", registry, "--by", "B", "--date", "2024-03-01"]) == 0
    attempts = tmp_path / "attempts"
    attempts.mkdir()
    entries = [  # one review each on 2024-12-01: Again -> stability 0.212, Good -> 2.3065
        ("04", "depth-05", "depth", False), ("07", "screening-03", "screening", True),
        ("06", "scheduling-01", "scheduling", True), ("06", "scheduling-02", "scheduling", False),
    ]
    (attempts / "renew.json").write_text(json.dumps({"version": 1, "attempts": [
        {"module": m, "item_id": i, "competency": c, "correct": ok, "score": float(ok),
         "at": "2024-12-01T10:00:00+00:00"}
        for m, i, c, ok in entries]}), encoding="utf-8")
    capsys.readouterr()
    assert main(["expiring", "--within", "60d", "--date", "2025-02-01", "--registry", registry,
                 "--attempts", str(attempts)]) == 0
    out = capsys.readouterr().out.splitlines()
    days = 89  # 2024-12-01 10:00 to the expiry 2025-03-01 00:00: 89 whole days
    expected = [("depth", recall(days, 0.212)), ("scheduling", (recall(days, 0.212) + recall(days, 2.3065)) / 2),
                ("screening", recall(days, 2.3065))]
    line = out[out.index(next(row for row in out if row.startswith("  renew"))) + 1]
    assert line.strip() == ("refresh first (lowest predicted retention on 2025-03-01): "
                            + ", ".join(f"{c} {v:.0%}" for c, v in expected))
    other = out[out.index(next(row for row in out if row.startswith("  nofile"))) + 1]
    assert other.strip() == "refresh first: unknown (no attempts file nofile.json)"
