"""Helpers for the end-to-end tests: JupyterLab and Voilà on free localhost ports
with throwaway settings, and Debian's Chromium driven by Playwright (no browser
download: it cannot be fetched here)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ARTIFACTS = Path(os.environ.get("MESOCOURSE_ARTIFACTS",
                                Path(__file__).resolve().parents[1] / "test-artifacts")) / "browser"
TIMEOUT_MS = 240_000  # generous: CI machines may be loaded
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=2):
                return
        time.sleep(0.3)
    raise RuntimeError(f"server at {url} not ready after {timeout} s:\n{log.read_text()[-3000:]}")


def throwaway_env(home: Path) -> dict[str, str]:
    """Settings, workspaces and runtime files in a temp folder, never the user's."""
    env = dict(os.environ)
    for name, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                      ("JUPYTERLAB_SETTINGS_DIR", "settings"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
                      ("IPYTHONDIR", "ipython")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / sub)
    env["MESOCOURSE_ATTEMPTS"] = str(home / "attempts.json")
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


@contextlib.contextmanager
def server(command: list[str], ready_url: str, home: Path, env: dict[str, str] | None = None,
           cwd: Path | None = None, stop_timeout: float = 15) -> Iterator[None]:
    """Run a server (its log in ``home/server.log``) until the block ends; ready when ``ready_url`` answers."""
    log = home / "server.log"
    with log.open("w") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env or throwaway_env(home),
                                   cwd=cwd or home, start_new_session=True)
    try:
        wait_for(ready_url, process, log)
        yield
    finally:
        process.terminate()  # jupyter_server shuts its kernels down on SIGTERM
        try:
            process.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def jupyter_server(base: Path, root: Path, env: dict[str, str], token: str,
                   app: str = "jupyter_server") -> Iterator[str]:
    """A real ``jupyter server`` (or another Jupyter ``app``: ``jupyterlab``) with root ``root`` and token
    ``token``, its log in ``base/server.log``; its URL."""
    port = free_port()
    command = [sys.executable, "-m", app, "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={token}", "--allow-root"]
    with server(command, f"http://127.0.0.1:{port}/api/status?token={token}", base, env, root, stop_timeout=60):
        yield f"http://127.0.0.1:{port}"


def jupyter_call(url: str, token: str, method: str, body: dict | None = None,
                 timeout: float = 180) -> tuple[int, dict]:
    """A Jupyter server's REST API as JupyterLab calls it: the HTTP status and the JSON answer (errors too)."""
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read()
            return response.status, json.loads(text) if text else {}
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text) if text else {}
        except ValueError:
            return error.code, {"text": text[:300].decode(errors="replace")}


def _api(url: str, token: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(),
                                     method="GET" if body is None else "POST",
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def start_kernel_session(base_url: str, token: str, path: str, timeout: float = 180) -> None:
    """Start the notebook's kernel through Jupyter's REST API and wait until it has announced itself.

    JupyterLab then finds the session when it opens the notebook and connects to
    that running kernel: no kernel start to wait for in the page, and no "Select
    Kernel" dialog from the race between loading the kernel specs and opening the
    notebook. The server reports the kernel "starting" until a client connects, so
    readiness is its first message: the server updates ``last_activity`` then.
    """
    session = _api(f"{base_url}/api/sessions", token,
                   {"path": path, "name": path, "type": "notebook", "kernel": {"name": "python3"}})
    kernel = f"{base_url}/api/kernels/{session['kernel']['id']}"
    deadline = time.monotonic() + timeout
    while _api(kernel, token).get("last_activity") == session["kernel"]["last_activity"]:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the kernel for {path} sent no message within {timeout} s")
        time.sleep(0.3)


def run_in_kernel(api_url: str, token: str, kernel_id: str, code: str) -> str:
    """Run ``code`` in a kernel of a Jupyter server (its REST API at ``api_url``) through its
    websocket, as JupyterLab does; returns the error's name and value, or "ok"."""
    import asyncio
    import concurrent.futures
    import uuid

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    async def run() -> str:
        url = api_url.replace("http", "ws", 1) + f"/kernels/{kernel_id}/channels"
        socket = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"}))
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": "execute_request", "username": "test", "session": uuid.uuid4().hex,
                  "version": "5.3", "date": ""}
        content = {"code": code, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False,
                   "stop_on_error": False}  # an error does not abort the next run sent right after it
        message = {"header": header, "parent_header": {}, "metadata": {}, "channel": "shell", "content": content}
        await socket.write_message(json.dumps(message))
        while True:
            message = json.loads(await asyncio.wait_for(socket.read_message(), 120))
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            reply = message["content"]
            if message["msg_type"] == "error" or (message["msg_type"] == "execute_reply" and "ename" in reply):
                return f"{reply['ename']}: {reply['evalue']}"  # the reply may come before the error message
            if message["msg_type"] == "execute_reply":
                return "ok" if reply["status"] == "ok" else reply["status"]

    with concurrent.futures.ThreadPoolExecutor(1) as thread:  # a loop of its own: Playwright's runs in this thread
        return thread.submit(asyncio.run, run()).result()
