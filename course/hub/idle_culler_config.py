"""jupyterhub-idle-culler's config (``--config``), for the culler service of :mod:`course.hub.culling`."""

from course.hub.culling import spare_exam_sessions

c = get_config()  # noqa: F821  (provided by the culler when it loads this file)
c.IdleCuller.cull_arbiter_hook = spare_exam_sessions
