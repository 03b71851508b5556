"""A missing prerequisite skips a test with what is missing and how to get it; under CI=true it fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from prerequisites import course_server_missing, require

import course


def test_a_lack_skips_outside_ci_and_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    lack = "Chromium is not installed: apt-get install chromium"
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        require(lack)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true, so this test may not skip: Chromium"):
        require(lack)
    require(None)  # nothing missing: nothing happens, under CI too


@pytest.fixture
def private() -> Iterator[Path]:
    """A folder as ``mktemp -d`` makes it: in /tmp, 0700."""
    folder = Path(tempfile.mkdtemp(prefix="mesocourse-private-"))
    yield folder
    shutil.rmtree(folder)


def test_a_clone_in_a_private_folder_names_the_folder_and_the_command(private: Path) -> None:
    """The course server's tests skip in a folder other accounts cannot enter (any ``mktemp -d``),
    and say which folder to open; as a user other than root they say root is needed."""
    if os.geteuid() == 0:  # a checkout that is itself in a private folder is named first: nothing to tell apart
        require(course_server_missing(need_proxy=False))
    shutil.copytree(Path(course.__file__).parent, private / "course", ignore=shutil.ignore_patterns("__pycache__"))
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import course.hub.preflight as p; "
            "assert p.__file__.startswith(sys.argv[1]), p.__file__; print(p.problem(need_proxy=False))")
    done = subprocess.run([sys.executable, "-c", code, str(private)], capture_output=True, text=True, check=True)
    if os.geteuid() == 0:
        assert done.stdout.startswith(f"{private} cannot be entered by other accounts")
        assert f"chmod o+x {private}" in done.stdout
    else:
        assert "must start as root" in done.stdout and "sudo make hub" in done.stdout
