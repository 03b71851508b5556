"""Shared test setup.

nbgrader runs the `alembic` command when it creates a gradebook, so the bin/
folder of the interpreter running the tests (the project's .venv) must be on PATH
even when pytest is started without `make`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
os.environ.setdefault("MPLBACKEND", "Agg")
