"""nbgrader configuration: the repository root is the nbgrader course root.

`source/` holds the instructor versions of the graded assignments and `release/`
the student versions generated from them (`make release`).
"""

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.root = "."
c.CourseDirectory.course_id = "mesocourse"
c.CourseDirectory.db_url = "sqlite:///gradebook.db"
