"""Where the course's folders are: the repository root holds notebooks/, quizzes/,
source/ and release/ beside the `course` package (installed in editable mode)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO_ROOT / "notebooks"
QUIZZES = REPO_ROOT / "quizzes"
SOURCE = REPO_ROOT / "source"
RELEASE = REPO_ROOT / "release"
