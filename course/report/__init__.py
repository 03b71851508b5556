"""The cohort report: where a cohort stands, per assignment, competency and item.

``scores`` reads nbgrader's gradebook; ``gradesheets`` the flagged and failed
submissions of the grading sheets; ``item_analysis`` computes item statistics (facility,
discrimination, Cronbach's alpha, SEM); ``mastery`` computes per-competency
mastery, critical-item failures and facility by scenario parameter from the
competency tags on grade cells; ``html`` draws and assembles the report.
"""
