"""The pre-commit hooks run what ``make lint`` runs: the two lists cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def lint_commands() -> list[str]:
    """The commands of the Makefile's ``lint`` recipe, with ``$(BIN)`` spelled as the hooks spell it."""
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", (REPO / "Makefile").read_text(), re.MULTILINE)
    assert recipe, "Makefile: no lint target"
    lines = [line.strip() for line in recipe.group(1).splitlines()]
    return [line.replace("$(BIN)", ".venv/bin") for line in lines if not line.startswith("@")]


def test_every_lint_command_is_a_pre_commit_hook() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    entries = {hook["entry"].replace(" --force-exclude", "") for hook in hooks}
    assert all(hook["language"] == "system" and hook["entry"].startswith(".venv/bin/") for hook in hooks)
    commands = lint_commands()
    assert len(commands) >= 5, commands  # ruff, mypy, lint-imports, notebooks, environment.yml, docs
    assert set(commands) == entries, f"make lint runs {sorted(commands)}; the hooks run {sorted(entries)}"
