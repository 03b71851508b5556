"""The assignments' commands of ``mesocourse``, one module each (see ``course.cli``)."""
