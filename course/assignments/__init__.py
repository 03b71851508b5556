"""Graded assignments: nbgrader notebooks whose expected answers the engines compute.

Modules: ``catalog`` (case data -> questions with expected answers), ``source_notebook``
and ``build`` (source notebooks), ``grader`` (the trusted grader test cells import),
``check`` (trainees' format feedback, from the frozen ``formats/``),
``release`` (releasing: what ``mesocourse release`` does), ``submission`` (answers into a student
version), ``tags`` (competency tags on grade cells); per-trainee variants:
``variants`` (drawing them), ``allocation`` (trainee -> variant from the course
secret), ``variant_view`` (``show()``: the trainee's own patients),
``variant_grading`` (the variant at autograde); ``cli`` (the ``release`` and ``variants`` commands).
The autograde preprocessor is :mod:`course.grading.integrity`, exam mode :mod:`course.exam_kernel`.
"""

ASSIGNMENTS = ("screening", "planning", "depth", "certification")
