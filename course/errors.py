"""The one error contract of mesocourse: every domain error is a :class:`MesocourseError`.

A ``MesocourseError`` means the input (a folder, a file, an option, a database)
cannot be used as given; its message names the file, entry, field or option at
fault in one line, and nothing was written because of it. ``course.cli`` catches
it once and prints that line; no command catches and prints on its own. The exit
status is the error's ``exit_code``:

==  =====================================================================
0   success
1   the command ran and its answer is no: a check or a verification failed
2   bad input or usage (the default for every ``MesocourseError``)
3   tampering detected (a certification registry whose hash chain is broken)
==  =====================================================================

:data:`ERRORS` lists every error class, where it is defined, and its exit status
(``tests/test_cli_errors.py`` checks that the list is whole and that every class
pickles: a worker process may raise what its parent reports). An ``OSError`` for a
path given on the command line is reported the same way, with status 2.
"""

from __future__ import annotations

from typing import Any

SUCCESS, SAID_NO, BAD_INPUT, TAMPERED = 0, 1, 2, 3


class MesocourseError(Exception):
    """Input mesocourse cannot use; the message says which and why, in one line."""

    exit_code = BAD_INPUT

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its message and attributes, whatever its ``__init__`` takes (a worker's error
        reaches its parent intact; ``Exception``'s own pickling calls ``__init__`` with the message only)."""
        return _rebuild, (type(self), self.args, dict(self.__dict__))


def _rebuild(cls: type[MesocourseError], args: tuple[Any, ...], state: dict[str, Any]) -> MesocourseError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class DateError(MesocourseError, ValueError):
    """A day or a period given to a command that is not one (``course.dates``)."""


class HubError(MesocourseError, RuntimeError):
    """The course server cannot do what was asked here: it cannot start (``course.hub.preflight``
    says why and what to do), it runs when it must not, it failed to build its course or did not answer."""


class CourseError(MesocourseError):
    """A folder that is not an nbgrader course, or a course without what a command needs
    (its config, its gradebook, its source notebooks)."""


# Every error class: where it is defined, and its exit status. Internal signals that never leave
# their module (``Ambiguous`` of the review's generators, ``SecretMissing`` of the allocation) are not errors
# of a command and are not listed.
ERRORS: dict[str, int] = {
    "course.errors.MesocourseError": BAD_INPUT,
    "course.errors.CourseError": BAD_INPUT,
    "course.errors.DateError": BAD_INPUT,
    "course.errors.HubError": BAD_INPUT,
    "course.outputs.OutputError": BAD_INPUT,
    "course.knowledge.errors.KnowledgeError": BAD_INPUT,
    "course.assignments.variants.VariantError": BAD_INPUT,
    "course.assignments.items.common.DataError": BAD_INPUT,
    "course.quiz.bank.QuizError": BAD_INPUT,
    "course.review.templates.TemplateError": BAD_INPUT,
    "course.progress.AttemptsError": BAD_INPUT,
    "course.narrative.content.NarrativeError": BAD_INPUT,
    "course.grading.errors.GradingError": BAD_INPUT,
    "course.certification.errors.CertificationError": BAD_INPUT,
    "course.certification.errors.RegistryTampered": TAMPERED,
    "course.certification.keys.BadSignature": BAD_INPUT,
    "course.hub.roster.RosterError": BAD_INPUT,
    "course.hub.accounts.EnrolmentError": BAD_INPUT,
    "course.hub.hub_api.HubAPIError": BAD_INPUT,
    "course.hub.backup.BackupError": BAD_INPUT,
    "course.hub.warm.WarmError": BAD_INPUT,
    "course.hub.exams.ExamSessionError": BAD_INPUT,
}
