"""The certification sub-commands of ``mesocourse``, one module each (see ``course.cli``)."""
