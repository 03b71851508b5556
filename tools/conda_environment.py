"""Write ``environment.yml`` (the conda environment) from ``pyproject.toml``, the one list of dependencies.

``python tools/conda_environment.py`` rewrites it; ``--check`` (run by ``make lint``)
fails, naming the difference, when the committed file is not what pyproject.toml
makes. The environment holds what ``make setup`` installs with pip: the package's
dependencies and its ``test``, ``hub`` and ``docs`` extras, from conda-forge where the package
is there (under its PyPI name, lower case, without pip's extras such as ``[binary]``), from PyPI
(through pip) where it is not.
"""

from __future__ import annotations

import difflib
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = ("test", "hub", "docs")  # what `make setup` installs (`postgres` is in `test` already)
# on PyPI only (or not kept up to date on conda-forge): installed by pip inside the environment
PIP_ONLY = frozenset({"fsrs", "playwright", "axe-playwright-python", "zxing-cpp", "jupyterhub-nativeauthenticator",
                      "import-linter"})
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*(.*)$")


def requirements(project: dict) -> list[str]:
    """The dependencies and the extras' requirements, in order, each once."""
    listed = [*project["dependencies"], *(r for extra in EXTRAS for r in project["optional-dependencies"][extra])]
    return list(dict.fromkeys(listed))


def split(requirement: str) -> tuple[str, str]:
    """(normalised name without extras, version specifier) of a PEP 508 requirement."""
    match = REQUIREMENT.match(requirement.strip())
    if match is None:
        raise SystemExit(f"pyproject.toml: cannot read the requirement '{requirement}'")
    return match.group(1).lower().replace("_", "-"), match.group(3).replace(" ", "")


def environment_text(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The text of environment.yml for ``pyproject``."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    conda, pip = [f"python{project['requires-python']}"], []
    for name, version in map(split, requirements(project)):
        (pip if name in PIP_ONLY else conda).append(f"{name}{version}")  # conda-forge's names are PyPI's
    lines = ["# Generated from pyproject.toml by tools/conda_environment.py: edit pyproject.toml, then run it.",
             "# Conda users: `conda env create -f environment.yml && conda activate mesocourse`.",
             "# The same environment as `make setup` (which uses pip in .venv).",
             "name: mesocourse", "channels:", "  - conda-forge", "dependencies:",
             *(f"  - {item}" for item in conda), "  - pip", "  - pip:", *(f"      - {item}" for item in pip),
             "      - -e ."]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    target, wanted = ROOT / "environment.yml", environment_text()
    if argv == ["--check"]:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current == wanted:
            return 0
        diff = difflib.unified_diff(current.splitlines(), wanted.splitlines(), "environment.yml", "from pyproject.toml",
                                    lineterm="")
        print("environment.yml is not what pyproject.toml makes: run python tools/conda_environment.py\n"
              + "\n".join(diff), file=sys.stderr)
        return 1
    target.write_text(wanted, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
