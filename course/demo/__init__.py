"""The demo: a synthetic cohort through the whole instructor pipeline.

``workspace`` builds a fresh nbgrader course from this repository's ``source/``;
``personas`` answers questions the way kinds of trainee do (seeded, so every run
is the same); ``synthetic_cohort`` writes their submissions, including broken and hostile
notebooks; ``observed_practice`` records their synthetic observed practice for
certification; ``cli`` runs grading, feedback and the report and says where to look.
All trainees are synthetic.
"""
