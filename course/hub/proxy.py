"""JupyterHub's standard proxy, configurable-http-proxy, installed from npm into this environment.

``make setup`` runs ``npm install`` into ``<python environment>/node`` (never
system-wide, never committed); ``make clean`` removes it with the environment.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def node_folder() -> Path:
    return Path(sys.prefix) / "node"


def proxy_path() -> Path:
    return node_folder() / "node_modules" / ".bin" / "configurable-http-proxy"


def proxy_command() -> list[str]:
    return [str(proxy_path())]


def missing_proxy() -> str | None:
    """One line saying what is missing to run the proxy, or None."""
    if shutil.which("node") is None:
        return ("Node.js is missing: JupyterHub's proxy (configurable-http-proxy) needs it: "
                "apt-get install nodejs npm, then make setup")
    if not proxy_path().exists():
        return f"configurable-http-proxy is not installed in {node_folder()}: run make setup (needs npm)"
    return None

