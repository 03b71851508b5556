"""nbgrader for the grader's pod: the course on its own volume, formgrader on (no hub needed to grade)."""
c = get_config()  # noqa: F821
c.Exchange.root = "/srv/nbgrader/exchange"
c.Exchange.path_includes_course = True
c.CourseDirectory.course_id = "mesocourse"
c.CourseDirectory.root = "/srv/course"
