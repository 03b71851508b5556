"""Where the course's own files are, however the package was installed.

The teaching notebooks, the quiz banks and the course's ``nbgrader_config.py``
are package data under ``course/content/`` (see its docstring): links to the
repository's folders in a checkout or an editable install, copies in a wheel.
The graded assignments' ``source/`` is built from the case data
(``course.assignments.build``), never read from an installed copy.
"""

from __future__ import annotations

from pathlib import Path

CONTENT = Path(__file__).resolve().parent / "content"
NOTEBOOKS = (CONTENT / "notebooks").resolve()
QUIZZES = (CONTENT / "quizzes").resolve()
NBGRADER_CONFIG = (CONTENT / "nbgrader_config.py").resolve()

