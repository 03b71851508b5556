"""The course service: the course server's own web pages, one JupyterHub service.

JupyterHub starts it (``c.JupyterHub.services``, see ``course/hub/jupyterhub_config.py``)
as the course's grader account, in the course folder, at ``/services/course/``. People
log in through the hub (JupyterHub's ``HubOAuthenticated`` Tornado handlers); each
page says which course roles may open it (:mod:`.roles`: instructor, trainee, from the
person's hub groups), so the clinic's pages (assessor forms, the manager's page, a
public verification page) join this same service as more page modules.

Modules: ``roles`` (who is asking, the page frame), ``jobs`` (course commands run in
the background with their output and progress), ``console`` (the instructor console:
release, collect, grade, feedback, report, certification), ``my_feedback`` (a
trainee's released feedback, rendered, one click from the hub), ``exam_reports`` (the
exam log's ``refused`` events, reported by a trainee's server in the exam profile), ``app`` (routes and
the process JupyterHub runs: ``python -m course.hub.service``). ``verify`` is a second,
public service (no login) with the certificate verification page at ``/services/verify/``.
"""
