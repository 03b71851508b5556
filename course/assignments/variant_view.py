"""The trainee's own patients in a released assignment notebook: ``show("case_03")``.

In an assignment notebook built with variants, the setup cell runs::

    from course.assignments.variant_view import patients
    show = patients("screening")

and each case has a read-only cell ``show("case_03")`` that displays that case's
patient or problem for the trainee's own variant. The prompts of every variant are
in ``variants.json`` beside the notebook (no answers: those are only in the hidden
tests); the variant is the HMAC of the assignment key (the ``variant-key`` file the
course's release puts beside the notebook) and the trainee id
(``course.assignments.allocation``). The trainee id is, in order:

1. the hub user (``JUPYTERHUB_USER``), on the course server;
2. nbgrader's configured student id (``c.CourseDirectory.student_id`` in a Jupyter
   config folder's or the notebook folder's ``nbgrader_config.py``).

When neither is known, or the notebook was not released by a course, ``show`` says
so and shows nothing: a trainee never answers for someone else's patient by mistake.
While nbgrader grades the notebook, the variant is the one the grader set from the
gradebook's student id (``_mc_allocation``, see ``course.assignments.variant_grading``),
so the feedback shows the trainee's own patients above their answers.

Standard library, IPython and traitlets only: this runs in the exam kernel too.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from course.assignments.allocation import KEY_FILE, variant_for

PROMPTS_FILE = "variants.json"
GRADER_ALLOCATION = "_mc_allocation"  # set by the grader's preprocessor, never by the trainee
NO_ID = ("Your trainee id is not known here, so your own patients cannot be shown. On the course server this "
         "is automatic; elsewhere, set c.CourseDirectory.student_id = \"YOUR_ID\" in ~/.jupyter/nbgrader_config.py "
         "(or in nbgrader_config.py beside this notebook) and run the first cell again.")
NOT_RELEASED = ("This copy of the assignment was not released by your course (no {file} beside the notebook), so "
                "your own patients cannot be shown: fetch the assignment from the course's Assignments tab.")


def configured_student_id(folder: Path) -> str | None:
    """``c.CourseDirectory.student_id`` from the Jupyter config folders and ``folder``
    (nbgrader's default ``*``: none)."""
    from course.coursedir import load_nbgrader_config

    config = load_nbgrader_config(folder, skip_broken=True)  # a broken config file only means the id is unknown
    value = config["CourseDirectory"].get("student_id") if "CourseDirectory" in config else None
    return value if isinstance(value, str) and value not in ("", "*") else None


def trainee_id(folder: Path) -> str | None:
    """The hub user, else nbgrader's configured student id, else None."""
    return os.environ.get("JUPYTERHUB_USER") or configured_student_id(folder)


class Patients:
    """``show(question_id)`` for one assignment; see the module docstring."""

    def __init__(self, assignment: str, folder: Path) -> None:
        self.assignment, self.folder = assignment, folder
        try:
            data = json.loads((folder / PROMPTS_FILE).read_text(encoding="utf-8"))
            self.prompts: list[dict[str, str]] = data["prompts"]
        except (OSError, ValueError, KeyError):
            self.prompts = []
        self.problem: str | None = None
        self.trainee: str | None = None
        self.variant: int | None = None
        key_file = folder / KEY_FILE
        if not self.prompts or not key_file.is_file():
            self.problem = NOT_RELEASED.format(file=KEY_FILE if self.prompts else PROMPTS_FILE)
            return
        self.trainee = trainee_id(folder)
        if self.trainee is None:
            self.problem = NO_ID
            return
        key = bytes.fromhex(key_file.read_text(encoding="ascii").strip())
        self.variant = variant_for(key, self.trainee, len(self.prompts))

    def summary(self) -> str:
        if self.problem:
            return self.problem
        return (f"Trainee {self.trainee}: you have variant {self.variant + 1} of {len(self.prompts)} of this "  # type: ignore[operator]
                "assignment. Each case below shows your own patient or problem: answer for them.")

    def _graded_variant(self, namespace: dict[str, Any]) -> int | None:
        value = namespace.get(GRADER_ALLOCATION)
        return value % len(self.prompts) if type(value) is int and value >= 0 and self.prompts else None

    def __call__(self, question_id: str) -> None:
        namespace = sys._getframe(1).f_globals
        variant = self.variant
        if os.environ.get("NBGRADER_EXECUTION"):  # graded or validated: only the grader's variant counts
            variant = self._graded_variant(namespace)
            if variant is None:
                return
        if variant is None:
            print(self.problem)
            return
        prompt = self.prompts[variant].get(question_id)
        if prompt is None:
            print(f"this assignment has no case '{question_id}' (cases: {', '.join(self.prompts[variant])})")
            return
        from IPython.display import Markdown, display

        display(Markdown(prompt))

    def __repr__(self) -> str:
        return self.summary()


def patients(assignment: str, folder: Path | str | None = None) -> Patients:
    """``show`` for ``assignment``, reading the files beside the notebook (the kernel's folder)."""
    found = Patients(assignment, Path(folder) if folder is not None else Path.cwd())
    if not os.environ.get("NBGRADER_EXECUTION"):
        print(found.summary())
    return found
