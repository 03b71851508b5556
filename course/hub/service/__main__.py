"""``python -m course.hub.service``: what JupyterHub runs for the course service."""

from .app import main

main()
