"""The mesocourse command as a user runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from course.knowledge import DATA_DIR

MESOCOURSE = [sys.executable, "-m", "course"]


def test_check_knowledge_reports_a_valid_base():
    done = subprocess.run([*MESOCOURSE, "check-knowledge"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout and "5 seeds" in done.stdout


def test_check_knowledge_names_the_broken_file(tmp_path: Path):
    shutil.copytree(DATA_DIR, tmp_path / "kb")
    path = tmp_path / "kb" / "competencies.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("pass_mark: 0.8", "pass_mark: 1.8"), encoding="utf-8")
    done = subprocess.run([*MESOCOURSE, "check-knowledge", "--data", str(tmp_path / "kb")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "competencies.yaml" in done.stderr and "screening" in done.stderr and "pass_mark" in done.stderr


def test_import_course_stays_light():
    code = ("import sys, course; heavy = [m for m in ('matplotlib', 'pandas', 'nbgrader', 'ipywidgets', 'pydantic') "
            "if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_command_follows_one_convention_and_is_in_the_one_table():
    """A command is add_arguments and run in course/<feature>/cli.py, or course/<feature>/cli/<command>.py;
    every such module is registered in course.cli.COMMANDS, and the table names nothing else."""
    import importlib
    import pkgutil
    import re

    import course
    from course.cli import COMMANDS

    registered = {module for module, _ in COMMANDS.values()}
    for module in registered:
        assert re.fullmatch(r"course\.[a-z_]+\.cli(\.[a-z_]+)?", module), module
        loaded = importlib.import_module(module)
        assert callable(loaded.add_arguments) and callable(loaded.run), module
    commands = {info.name for info in pkgutil.walk_packages(course.__path__, "course.")
                if re.fullmatch(r"course\.[a-z_]+\.cli(\.[a-z_]+)?", info.name) and not info.ispkg
                and hasattr(importlib.import_module(info.name), "run")}
    assert commands == registered
