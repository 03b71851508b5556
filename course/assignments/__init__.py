"""Graded assignments: nbgrader notebooks whose expected answers the engines compute.

Modules: ``catalog`` (case data -> questions with expected answers), ``notebook``
and ``build`` (source notebooks), ``grader`` (the trusted grader test cells import),
``check`` (trainees' format feedback, from the frozen ``formats/``), ``integrity`` (the autograde preprocessor),
``release`` (``mesocourse release``), ``submission`` (answers into a student
version), ``tags`` (competency tags on grade cells); per-trainee variants:
``variants`` (drawing them), ``allocation`` (trainee -> variant from the course
secret), ``variant_view`` (``show()``: the trainee's own patients),
``variant_grading`` (the variant at autograde), ``variants_cli``
(``mesocourse variants``); ``exam_kernel`` (exam mode).
"""

ASSIGNMENTS = ("screening", "planning", "depth", "certification")
