"""The one error contract of mesocourse: every domain error is a :class:`MesocourseError`.

A ``MesocourseError`` means the input (a folder, a file, an option, a database)
cannot be used as given; its message names the file, entry, field or option at
fault in one line, and nothing was written because of it. ``course.cli`` catches
it once and prints that line; the exit status is the error's ``exit_code``:

==  =====================================================================
0   success
1   the command ran and its answer is no: a check or a verification failed
2   bad input or usage (the default for every ``MesocourseError``)
3   tampering detected (a certification registry whose hash chain is broken)
==  =====================================================================

The domain errors: :class:`CourseError` (here), ``KnowledgeError``,
``QuizError``, ``AttemptsError``, the assignments' ``DataError``,
``GradingError``, ``CertificationError`` and its ``RegistryTampered``, and
``NarrativeError`` (a module's narrative file).
"""

from __future__ import annotations

SUCCESS, SAID_NO, BAD_INPUT, TAMPERED = 0, 1, 2, 3


class MesocourseError(Exception):
    """Input mesocourse cannot use; the message says which and why, in one line."""

    exit_code = BAD_INPUT


class DateError(MesocourseError, ValueError):
    """A day or a period given to a command that is not one (``course.dates``)."""


class CourseError(MesocourseError):
    """A folder that is not an nbgrader course, or a course without what a command needs
    (its config, its gradebook, its source notebooks)."""
