"""The course's own files, as package data: teaching notebooks, quiz banks, nbgrader config.

``notebooks``, ``quizzes`` and ``nbgrader_config.py`` here are symbolic links to
the repository's ``notebooks/``, ``quizzes/`` and ``nbgrader_config.py``: an
editable install or a checkout reads the originals, and a wheel (``pip install .``)
carries copies, at the same place inside the package (``course.paths``). The
graded assignments' ``source/`` notebooks are not shipped: they hold the hidden
tests, and ``course.assignments.build`` makes them from the case data.
"""
