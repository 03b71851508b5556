"""nbgrader configuration: the repository root is the nbgrader course root.

`source/` holds the instructor versions of the graded assignments and `release/`
the student versions generated from them (`make release`).
"""

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.root = "."
c.CourseDirectory.course_id = "mesocourse"
c.CourseDirectory.db_url = "sqlite:///gradebook.db"

# Graded assignments (course/assignments). The answer cells keep their template lines
# (`name = None`) in the student version, so the solution stub is only a comment.
c.ClearSolutions.code_stub = {"python": "# (write your answers in the lines above)"}

# nbgrader's default generate_assignment steps, then drop our grade-cell tags from the
# student version: their scenario parameters would give answers away.
c.GenerateAssignment.preprocessors = [
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
    "course.grading.integrity.DropCourseTags",
]

# Autograde: once nbgrader has restored the read-only cells, keep only plain answers
# (`name = <literal>`) in every other code cell, so a submission cannot patch the tests.
# Deleted grade cells are put back (else the submission stays "needs manual grading");
# a put-back cell differs from its source, so LiteralAnswers scores it 0.
# Last, AssignVariant writes the trainee's variant (from the gradebook's student id and the
# course secret, .mesocourse/variant-secret) into a cell of its own: the hidden tests grade it.
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "course.grading.integrity.UnknownCells",
    "nbgrader.preprocessors.OverwriteCells",
    "course.grading.integrity.LiteralAnswers",
    "nbgrader.preprocessors.CheckCellMetadata",
    "course.assignments.variant_grading.AssignVariant",
]

# Feedback for trainees: hidden tests are removed from the HTML.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]
