"""Load on the course server: N trainees log in, start servers, fetch and submit at once.

A real hub (``mesocourse hub``) in a throwaway folder with N real accounts; the
instructor releases ``screening``; then every trainee, in its own thread and all
together, goes through the hub's REST API as JupyterLab would: logs in with the
password form, asks the hub to start the server, waits until it is ready, gets
a token, and fetches and submits through nbgrader's handlers on the server.

Reports p50/p95 of login-to-server-ready, submissions accepted vs attempted (the
exchange's inbound is counted too), and the peak memory (RSS of all of a
trainee's processes, sampled every half second) per trainee server. Needs root
(accounts); prints why and stops otherwise. Part of ``make bench``, not of the tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the tests' throwaway-hub helper: one copy of it

ASSIGNMENT = "screening"


@dataclass
class Trip:
    trainee: str
    ready_s: float | None = None
    submitted: bool = False
    error: str = ""


def trainee_trip(hub, trainee: str, course_id: str, timeout: float) -> Trip:
    """One trainee, as the browser would: login form, spawn, wait, then fetch and submit."""
    import requests

    trip = Trip(trainee)
    session = requests.Session()
    try:
        started = time.monotonic()
        session.get(f"{hub.url}/hub/login", timeout=60)
        xsrf = session.cookies.get("_xsrf", path="/hub/")
        login = session.post(f"{hub.url}/hub/login", allow_redirects=False, timeout=120,
                             data={"username": trainee, "password": hub.passwords[trainee], "_xsrf": xsrf})
        if login.status_code != 302:
            raise RuntimeError(f"login answered {login.status_code}")
        headers = {"X-XSRFToken": session.cookies.get("_xsrf", path="/hub/") or xsrf}
        api = f"{hub.url}/hub/api/users/{trainee}"
        session.post(f"{api}/server", headers=headers, timeout=120)
        while True:
            server = session.get(api, headers=headers, timeout=60).json().get("servers", {}).get("", {})
            if server.get("ready"):
                trip.ready_s = time.monotonic() - started
                break
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"server not ready after {timeout:.0f} s")
            time.sleep(0.5)
        token = session.post(f"{api}/tokens", headers=headers, json={"note": "load test"}, timeout=60).json()["token"]
        auth = {"Authorization": f"token {token}"}
        body = {"course_id": course_id, "assignment_id": ASSIGNMENT}
        for action in ("fetch", "submit"):
            answer = requests.post(f"{hub.url}/user/{trainee}/assignments/{action}", data=body, headers=auth,
                                   timeout=300)
            if answer.status_code != 200 or '"success": false' in answer.text:
                raise RuntimeError(f"{action}: HTTP {answer.status_code} {answer.text[:200]}")
        trip.submitted = True
    except Exception as error:  # a failed trip is a result, not a crash of the benchmark
        trip.error = str(error)
    return trip


class MemorySampler(threading.Thread):
    """Peak RSS of all processes of each account, sampled until stopped."""

    def __init__(self, accounts: list[str]):
        super().__init__(daemon=True)
        self.accounts, self.peak_mb = accounts, dict.fromkeys(accounts, 0.0)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            out = subprocess.run(["ps", "-e", "-o", "user:32=,rss="], capture_output=True, text=True).stdout
            totals: dict[str, float] = {}
            for line in out.splitlines():
                user, _, rss = line.strip().rpartition(" ")
                totals[user.strip()] = totals.get(user.strip(), 0) + int(rss) / 1024
            for account in self.accounts:
                self.peak_mb[account] = max(self.peak_mb[account], totals.get(account, 0.0))
            self.done.wait(0.5)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=20, help="simulated trainees (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a server may take to be ready")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("hub_load: skipped: the course server needs root (it creates one account per trainee)")
        return 0
    from hub_support import course_hub

    from course.hub.grader import run_as_grader

    people = {"i": "Load Instructor", **{f"t{n}x": f"Trainee {n}" for n in range(args.trainees)}}
    with course_hub(people) as hub:
        for argv in (["nbgrader", "release_assignment", ASSIGNMENT],):
            run_as_grader(hub.state, argv, check=True, capture_output=True)
        trainees = [hub.account(role) for role in people if role != "i"]
        sampler = MemorySampler(trainees)
        sampler.start()
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(trainees)) as pool:
            trips = list(pool.map(lambda name: trainee_trip(hub, name, hub.state.settings().course_id, args.timeout),
                                  trainees))
        wall = time.monotonic() - started
        sampler.done.set()
        sampler.join()
        inbound = hub.state.exchange / hub.state.settings().course_id / "inbound"
        handed_in = {name.split("+")[0] for name in os.listdir(inbound)}
    ready = [trip.ready_s for trip in trips if trip.ready_s is not None]
    accepted = sum(trip.submitted for trip in trips)
    memory = [sampler.peak_mb[name] for name in trainees]
    print(f"{len(trainees)} trainees at once on {os.cpu_count()} cores, {wall:.0f} s in all")
    if ready:
        print(f"login to server ready: p50 {percentile(ready, 0.5):.1f} s, p95 {percentile(ready, 0.95):.1f} s, "
              f"max {max(ready):.1f} s ({len(ready)} of {len(trainees)} ready)")
    print(f"submissions accepted: {accepted} of {len(trainees)} attempted; in the exchange: "
          f"{len(handed_in & set(trainees))} trainees")
    print(f"peak memory per trainee server: median {statistics.median(memory):.0f} MB, max {max(memory):.0f} MB")
    for trip in trips:
        if trip.error:
            print(f"  {trip.trainee}: {trip.error}")
    return 0 if accepted == len(trainees) else 1


if __name__ == "__main__":
    sys.exit(main())
