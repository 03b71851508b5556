"""What one trainee server costs to start: CPU seconds and resident memory until it has served /lab once.

A Jupyter server with the trainee role's extensions and page config (course.hub.layout), with
rfc3987_syntax looking absent as in course.hub.singleuser (but jupyter_server's own entry point,
not jupyterhub-singleuser's: ``hub_load.py --trainees 1`` measures that, through a real hub), in a
throwaway folder; measured from /proc when its first /lab page is served. Three configurations:
nbgrader's Assignments tab extensions loaded at start (``eager``, before issue 29), loaded when the
tab first asks (``on demand``, course.hub.assignments_tab), and that with JupyterLab's extension
manager read-only (course.hub.layout.lab_config). The median of --rounds starts is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from course.hub.layout import lab_config, page_config, server_extensions

START = ("from course.startup import skip_unused_imports; skip_unused_imports(); "
         "from jupyter_server.serverapp import main; main()")
EAGER = {"course.hub.assignments_tab": False, "nbgrader.server_extensions.assignment_list": True,
         "nbgrader.server_extensions.validate_assignment": True}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def one_start(extensions: dict[str, bool], lab: dict) -> tuple[float, float]:
    """CPU seconds and resident MB of one server, read when it has served /lab once."""
    with tempfile.TemporaryDirectory(prefix="server-start-") as folder:
        base = Path(folder)
        (base / "config" / "labconfig").mkdir(parents=True)
        (base / "home").mkdir()
        (base / "config" / "jupyter_server_config.json").write_text(
            json.dumps({"ServerApp": {"jpserver_extensions": extensions}}))
        (base / "config" / "labconfig" / "page_config.json").write_text(json.dumps(page_config("trainee")))
        (base / "config" / "jupyter_lab_config.json").write_text(json.dumps(lab))
        port = free_port()
        env = {**os.environ, "JUPYTER_CONFIG_DIR": str(base / "config"), "JUPYTER_CONFIG_PATH": str(base / "config"),
               "JUPYTER_RUNTIME_DIR": str(base / "runtime")}
        server = subprocess.Popen([sys.executable, "-c", START, "--no-browser", f"--port={port}", "--ip=127.0.0.1",
                                   f"--ServerApp.root_dir={base / 'home'}", "--IdentityProvider.token=t",
                                   "--allow-root"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token=t", timeout=5).read()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError("the server did not serve /lab within 120 s") from None
                    time.sleep(0.05)
            fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            status = Path(f"/proc/{server.pid}/status").read_text()
            rss = int(status.split("VmRSS:")[1].split()[0]) / 1024
        finally:
            server.terminate()
            server.wait(timeout=30)
    return cpu, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="starts per configuration (default %(default)s)")
    args = parser.parse_args()
    trainee = server_extensions("trainee")
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print("| trainee server | CPU to first /lab | resident memory |\n| --- | --- | --- |")
    pypi = {"LabApp": {"extension_manager": "pypi"}}  # JupyterLab's default
    for name, extensions, lab in (("nbgrader loaded at start", {**trainee, **EAGER}, pypi),
                                  ("nbgrader loaded when the Assignments tab asks", trainee, pypi),
                                  ("and JupyterLab's extension manager read-only (the hub's lab_config)", trainee,
                                   lab_config())):
        runs = [one_start(extensions, lab) for _ in range(args.rounds)]
        cpu, rss = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"| {name} | {cpu:.2f} s | {rss:.0f} MB |", flush=True)


if __name__ == "__main__":
    main()
