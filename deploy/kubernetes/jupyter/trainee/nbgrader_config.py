"""nbgrader for trainees' and instructors' pods (the course image's default)."""
c = get_config()  # noqa: F821
c.Exchange.root = "/srv/nbgrader/exchange"
c.Exchange.path_includes_course = True
c.CourseDirectory.course_id = "mesocourse"
c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"
