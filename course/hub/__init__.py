"""The course server: JupyterHub with one operating-system account per person.

Trainees log in with their own password (NativeAuthenticator), get a JupyterLab
running as their own account, and fetch, submit and read feedback through
nbgrader's Assignments tab over nbgrader's file-system exchange. Instructors
share the grader's server (formgrader, a terminal in the course folder), which
runs as the course's grader account: the only account that can read
``source/``, the gradebook and the certification registry.

Modules, one job each: ``state`` (the one folder holding everything),
``roster`` (reading a cohort's CSV), ``accounts`` (creating and removing people),
``layout`` (folders, permissions and the per-role Jupyter config), ``spawner``
(how a person's server starts), ``exam_kernels`` (an exam assignment's notebooks
run in the exam kernel only, on a trainee's server), ``jupyterhub_config`` (what JupyterHub loads),
``grader`` (instructor commands as the grader account), ``hub_api`` (talking to a
running hub), ``proxy`` (JupyterHub's Node.js proxy), ``shared_python`` (a Python
other accounts can run), ``preflight`` (what must hold before the hub starts),
``passwords`` and ``authenticator`` (one-time passwords that expire and must be
changed at first login), ``welcome`` (a trainee's welcome page), ``backup``
(backup, restore, and no file left to a freed uid), ``service`` (the course's own
pages: the instructor console, trainees' feedback; one JupyterHub service),
``templates`` (the hub's bar), ``singleuser`` (each person's server, started lean),
``kernel_activity`` (a busy kernel is activity), ``culling`` (the idle culler: what it
stops and spares), ``warm`` (servers started before a class) and ``cli``.
"""
