"""The trainee's server starts without the hub's handlers and models, and still has them if asked.

:func:`course.hub.singleuser.without_hub_internals` keeps ``jupyterhub.singleuser``'s import from
loading the hub's request handlers, database models and migrations. Checked in a fresh
interpreter, as the hub starts a server: they are not loaded, and the
models load (once) when something uses them. The server itself runs in every hub test.
"""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, logging, sys
from course.hub.singleuser import skip_unused_imports, without_hub_internals
skip_unused_imports(); without_hub_internals()
import jupyterhub.singleuser
loaded = {name: name in sys.modules for name in ("alembic", "sqlalchemy.orm", "jupyterhub.handlers.base")}
import jupyterhub.orm, jupyterhub.scopes
user = jupyterhub.orm.User
from jupyterhub.handlers.base import BaseHandler
print(json.dumps({"before": loaded, "orm": user.__tablename__, "same": jupyterhub.scopes.orm.Group is
                  sys.modules["jupyterhub.orm"].Group, "base": BaseHandler.__module__}))
"""


def test_the_server_starts_without_the_hubs_internals_and_loads_them_when_used():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["before"] == {"alembic": False, "sqlalchemy.orm": False, "jupyterhub.handlers.base": False}
    assert seen["orm"] == "users" and seen["same"] is True
    assert seen["base"] == "jupyterhub.handlers.base"
