"""The exam kernel: an IPython kernel where the course's engines, knowledge base and widgets
cannot be imported.

An assignment marked ``exam: true`` in its case data (the certification exam) is
meant to be taken in this kernel. ``python -m course.assignments.exam_kernel -f
CONNECTION_FILE`` installs an import guard, sets ``MESOCOURSE_EXAM=1`` and starts
ipykernel. The guard refuses:

- every ``course`` module except what an assignment notebook needs: ``check()``
  (:mod:`course.assignments.check`, reading the frozen ``course/assignments/formats/``), the grader
  (:mod:`course.assignments.grader`) and the trainee's own patients
  (:mod:`course.assignments.variant_view`, :mod:`course.assignments.allocation`);
  so ``import course.screening`` fails, and so does reading the knowledge base
  through the package (``importlib.resources.files("course.knowledge")``);
- ``ipywidgets`` (the teaching modules' widgets) and ``yaml`` (the knowledge base's format).

**What exam mode does not prevent.** It is a guard against using the course's own
tools during the exam, not a sandbox: Python code can remove the guard from
``sys.meta_path``, or open the package's YAML files by their path on disk; a trainee
can open another kernel, a terminal or a browser tab unless the server forbids it.
The hub starts every server with this kernel available (``STATE/share/kernels``),
but JupyterLab still lets a trainee change kernel: an invigilator, or a server
configured for the exam alone, is what enforces it. ``check()`` warns, in an exam,
when it is not running in this kernel.
"""

from __future__ import annotations

import importlib.abc
import json
import os
import sys
from pathlib import Path

KERNEL_NAME = "mesocourse-exam"
DISPLAY_NAME = "Exam (mesocourse)"
ALLOWED = frozenset({
    "course", "course.assignments", "course.assignments.check", "course.assignments.questions",
    "course.assignments.grader", "course.assignments.variant_view", "course.assignments.allocation",
    "course.assignments.exam_kernel",
})
REFUSED_PACKAGES = ("ipywidgets", "yaml")


class ExamImports(importlib.abc.MetaPathFinder):
    """Refuses the course's engines, knowledge base and widgets (see the module docstring)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        top = name.split(".")[0]
        if (top == "course" and name not in ALLOWED) or top in REFUSED_PACKAGES:
            raise ModuleNotFoundError(f"{name} is not available in exam mode", name=name)
        return None


def guard() -> None:
    """Install the import guard in this process (first on ``sys.meta_path``) and mark exam mode."""
    if not any(isinstance(finder, ExamImports) for finder in sys.meta_path):
        sys.meta_path.insert(0, ExamImports())
    os.environ["MESOCOURSE_EXAM"] = "1"


def write_kernelspec(kernels: Path | str) -> Path:
    """``kernels/mesocourse-exam/kernel.json``, running this Python with the guard."""
    folder = Path(kernels) / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "course.assignments.exam_kernel", "-f", "{connection_file}"],
            "display_name": DISPLAY_NAME, "language": "python", "env": {"MESOCOURSE_EXAM": "1"},
            "metadata": {"debugger": False}}
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    return folder


def main() -> None:
    guard()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
