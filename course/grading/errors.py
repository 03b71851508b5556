"""The error a grading command raises when its input, not a submission, is wrong."""

from __future__ import annotations

from course.errors import MesocourseError


class GradingError(MesocourseError):
    """The course, the assignment or the options cannot be graded as given.

    The message names the folder, file or database at fault and says what to do,
    e.g. that the assignment is not in the gradebook yet and which nbgrader
    command puts it there. A bad *submission* is never a ``GradingError``: it is
    reported in that submission's result and the batch goes on.
    """
