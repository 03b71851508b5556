"""The JupyterHub configuration of the course server (``jupyterhub -f`` this file).

``mesocourse hub`` starts JupyterHub with this file and the environment
variables below; everything else comes from the hub folder (``hub.json``,
``accounts.json``, ``private/``). Read it as an administrator's reference: each
setting says why it is there.

- ``MESOCOURSE_HUB_STATE``: the hub folder;
- ``MESOCOURSE_HUB_API_PORT``, ``MESOCOURSE_PROXY_API_PORT``: internal ports on
  127.0.0.1 (free ones, chosen at each start).
"""

import os
import sys
from pathlib import Path

from course.certification.keys import Issuer
from course.coursedir import ISSUER_ENV, REGISTRY_ENV
from course.hub.accounts import enrolled
from course.hub.cli import free_port
from course.hub.culling import CULLER_ROLE, activity_interval, culler_service
from course.hub.hub_database import use_write_ahead_log
from course.hub.proxy import proxy_command
from course.hub.roster import STAFF_ROLES
from course.hub.service.verify import ISSUER_FOLDER_ENV
from course.hub.state import VERIFY_SERVICE, HubState

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

state = HubState.at(os.environ["MESOCOURSE_HUB_STATE"])
settings = state.settings()
people = enrolled(state)
course = settings.course_id


# --- where the hub listens and keeps its state ---------------------------------------------
c.JupyterHub.bind_url = f"http://{settings.ip}:{settings.port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["MESOCOURSE_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['MESOCOURSE_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = proxy_command()
c.ConfigurableHTTPProxy.pid_file = str(state.private / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = state.hub_db_url
use_write_ahead_log()  # SQLite commits without an fsync each (course/hub/hub_database.py)
c.JupyterHub.cookie_secret_file = str(state.cookie_secret)
c.JupyterHub.pid_file = str(state.private / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops people's servers; their files stay

# --- who can log in: NativeAuthenticator's own table, filled by `mesocourse hub add-*` ---------
# CourseAuthenticator is NativeAuthenticator with expiring one-time passwords that the first
# login must replace before any server starts (course/hub/authenticator.py).
c.JupyterHub.authenticator_class = "course.hub.authenticator.CourseAuthenticator"
c.CourseAuthenticator.state_folder = str(state.root)
c.NativeAuthenticator.enable_signup = False  # accounts come from rosters, never self-made
c.NativeAuthenticator.minimum_password_length = 10
c.NativeAuthenticator.check_common_password = True
c.NativeAuthenticator.allowed_failed_logins = 5
c.NativeAuthenticator.seconds_before_next_try = 300
# Only authorized password records authenticate, and only rosters create them:
# that table is the allow list.
c.Authenticator.allow_all = True

# --- each person's server runs as their own operating-system account --------------------------
c.JupyterHub.spawner_class = "course.hub.spawner.CourseSpawner"
c.CourseSpawner.state_folder = str(state.root)
c.Spawner.cmd = [sys.executable, "-m", "course.hub.singleuser"]  # jupyterhub-singleuser, lean (see there)
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120  # then JupyterHub shows its error page: no endless wait
c.Spawner.http_timeout = 120
# nbgrader's JupyterHubAuthPlugin reads the person's own groups through the hub API
# (and an exam server reports what it refused to the course service, for the exam log: course.exam_reports)
c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server", "read:users!user",
                                 "access:services!service=course"]

# --- groups: trainees and instructors, as nbgrader's JupyterHubAuthPlugin expects -------------
c.JupyterHub.load_groups = {
    settings.trainee_group: {"users": sorted(people["trainees"])},
    settings.formgrade_group: {"users": sorted([*people["instructors"], settings.grader_account])},
    # the clinic's staff (mesocourse hub add-staff): no server of their own, the course service's pages
    **{settings.staff_group(role): {"users": sorted(i for i, p in people["staff"].items() if role in p["roles"])}
       for role in STAFF_ROLES},
}

# --- the grader: a hub user with no password, whose server (as the grader account, in the course
# folder) carries formgrader. Instructors open and start it through roles, as JupyterHub shares
# a server; a hub-managed service would make the hub exit when formgrader starts slowly.
grader = settings.grader_account
c.JupyterHub.load_roles = [
    {"name": f"formgrade-{course}", "description": "instructors use and start the course's grader server",
     "groups": [settings.formgrade_group],
     "scopes": [f"access:servers!user={grader}", f"servers!user={grader}", f"read:users!user={grader}"]},
    {"name": "mesocourse-cli", "description": "mesocourse hub: enrol people, start and stop servers",
     "services": ["mesocourse-cli"],
     "scopes": ["admin:users", "admin:groups", "admin:servers", "tokens", "list:users", "list:groups"]},
]
c.JupyterHub.services = [{"name": "mesocourse-cli", "api_token": state.token_file("admin").read_text().strip()}]

# --- the course service (course/hub/service): the course's own pages at /services/course/, run by
# the hub as the grader account in the course folder; people log in through the hub, and each page
# checks the person's course role (the instructor console now; the clinic's pages join it).
course_service = f"http://127.0.0.1:{free_port()}"
c.CourseSpawner.course_service_url = f"{course_service}/services/course/"
c.JupyterHub.services.append({
    "name": "course", "url": course_service, "user": grader, "cwd": str(state.course_dir),
    "command": [sys.executable, "-m", "course.hub.service"],
    # a registry or issuer elsewhere (a clinic group's shared PostgreSQL, MESOCOURSE_ISSUER) is the service's too
    "environment": {"MESOCOURSE_HUB_STATE": str(state.root),
                    **{name: os.environ[name] for name in (REGISTRY_ENV, ISSUER_ENV) if os.environ.get(name)}},
    "display": True, "oauth_no_confirm": True,  # the course's own pages: no "Authorize" step
})
c.JupyterHub.load_roles.append(
    {"name": f"course-pages-{course}", "description": "open the course service's pages (each checks the role)",
     "groups": [settings.trainee_group, settings.formgrade_group, *map(settings.staff_group, STAFF_ROLES)],
     "scopes": ["access:services!service=course"]})
# The console's exam sessions (course/hub/service/exam_sessions.py) read the hub's groups and restart the
# running servers of the trainees sitting, as `mesocourse hub exam` does with its own token.
c.JupyterHub.load_roles.append(
    {"name": f"course-exams-{course}", "description": "open and close exam sessions from the instructor console",
     "services": ["course"],
     # read:users for the user model's "server" (whether it runs), servers to stop and start it
     "scopes": ["list:groups", "read:groups", *(f"{scope}!group={settings.trainee_group}"
                                                for scope in ("read:users", "servers"))]})

# Instructors open the grader's server by role: no "Authorize" page in front of formgrader either.
# (This list replaces the one JupyterHub builds from oauth_no_confirm, so the service is named again.)
c.JupyterHub.tornado_settings = {"oauth_no_confirm_list": {"service-course", f"jupyterhub-user-{grader}"}}

# --- giving memory back: jupyterhub-idle-culler stops servers idle for cull_idle_minutes (hub.json;
# course/hub/culling.py: what counts as activity, and the hook that spares trainees in an exam session)
c.JupyterHub.last_activity_interval = activity_interval(settings)
if settings.cull_idle_minutes > 0:
    c.JupyterHub.services.append(culler_service(state))
    c.JupyterHub.load_roles.append(CULLER_ROLE)

# --- the hub's pages: the course's bar (change password; console, formgrader or feedback by role)
c.JupyterHub.template_paths = [str(Path(__file__).with_name("templates"))]
c.JupyterHub.template_vars = {
    "course_formgrade_group": settings.formgrade_group, "course_trainee_group": settings.trainee_group,
    "course_grader": grader, "course_service_url": "/services/course/",
    "course_formgrader_url": f"/user/{grader}/formgrader",
    "course_manager_group": settings.staff_group("clinic_manager"),
    "course_assessor_group": settings.staff_group("assessor"),
}

# --- the public certificate verification page (course/hub/service/verify.py) at /services/verify/:
# no login (anyone who scans a certificate's QR code), a separate service so no page of the course
# service is ever public. It serves the static verifier's page and the issuer's published files only.
c.JupyterHub.services.append({
    "name": VERIFY_SERVICE, "url": f"http://127.0.0.1:{free_port()}", "user": grader, "cwd": str(state.course_dir),
    "command": [sys.executable, "-m", "course.hub.service.verify"],
    "environment": {ISSUER_FOLDER_ENV: str(Issuer(state.course.issuer_folder).public_dir)},
})
