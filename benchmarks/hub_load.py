"""Load on the course server: N trainees log in, reach a ready server, fetch and submit.

A real hub (``mesocourse hub``) in a throwaway folder with N real accounts; the
instructor releases ``screening``; each trainee has chosen their own password (a
first login, done before the clock starts). Then every trainee, in its own thread,
goes through the hub as the browser would: logs in with the password form, asks
the hub to start the server, waits until it is ready, gets a token, and fetches and
submits through nbgrader's handlers on the server. Three ways a class arrives:

- at once (default): every trainee logs in at the same moment;
- ``--arrive-over S``: the logins are spread evenly over S seconds, as a class walks in;
- ``--warm``: ``mesocourse hub warm`` has started every server first, then all log in at once.

``--profile FILE`` records the hub process with py-spy while the trainees arrive (folded
stacks, ``FILE``) and prints where its CPU time went, by package.

Reports p50, p95 and max of login-to-server-ready, submissions accepted vs
attempted (the exchange's inbound is counted too), the peak memory (RSS of all of
a trainee's processes, sampled every half second) per trainee server, the machine's
peak memory in use, and the load average before and after (the figures depend on
what else the machine runs). Needs root (accounts); prints why and stops otherwise.
Part of ``make bench``, not of the tests.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the tests' throwaway-hub helpers: one copy of them

ASSIGNMENT = "screening"


@dataclass
class Trip:
    trainee: str
    ready_s: float | None = None
    submitted: bool = False
    error: str = ""


def trainee_trip(hub, trainee: str, course_id: str, delay: float, timeout: float) -> Trip:
    """One trainee, ``delay`` seconds after the start, as the browser would: login form, spawn, wait,
    then fetch and submit."""
    import requests
    from hub_support import log_in_over_http

    trip = Trip(trainee)
    time.sleep(delay)
    try:
        started = time.monotonic()
        session = log_in_over_http(hub, trainee)
        headers = {"X-XSRFToken": session.cookies.get("_xsrf", path="/hub/")}
        api = f"{hub.url}/hub/api/users/{trainee}"
        session.post(f"{api}/server", headers=headers, timeout=120)  # 400 when warm: already running
        wait_until_ready(session, f"{api}/server/progress", headers, timeout)
        trip.ready_s = time.monotonic() - started
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


def wait_until_ready(session, progress_url: str, headers: dict, timeout: float) -> None:
    """Follow the spawn's progress events, as the hub's spawn-pending page does (no polling of the
    hub's API: twenty clients polling it would be load the browser does not make)."""
    import json

    with session.get(progress_url, headers=headers, stream=True, timeout=timeout) as events:
        for line in events.iter_lines(decode_unicode=True):
            if not line or not line.startswith("data:"):
                continue
            event = json.loads(line.removeprefix("data:"))
            if event.get("ready"):
                return
            if event.get("failed"):
                raise RuntimeError(f"spawn failed: {event.get('message', '')}")
    raise RuntimeError("the progress stream ended before the server was ready")


class MemorySampler(threading.Thread):
    """Peak RSS of all processes of each account, and of the machine, sampled until stopped."""

    def __init__(self, accounts: list[str]):
        super().__init__(daemon=True)
        self.accounts, self.peak_mb = accounts, dict.fromkeys(accounts, 0.0)
        self.machine_peak_mb = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        from course.hub.warm import meminfo_mb, memory_by_account

        while not self.done.is_set():
            totals = memory_by_account()
            for account in self.accounts:
                self.peak_mb[account] = max(self.peak_mb[account], totals.get(account, 0.0))
            in_use = meminfo_mb("MemTotal") - meminfo_mb("MemAvailable")
            self.machine_peak_mb = max(self.machine_peak_mb, in_use)
            self.done.wait(0.5)


def hub_profiler(pid: int, out: str) -> subprocess.Popen:
    """py-spy recording the hub (and its subprocesses: the proxy is Node.js, not sampled) until SIGINT."""
    spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid), "--format", "raw",
                            "--rate", "100", "--output", out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)  # attached before the first login
    return spy


def print_profile(folded: Path, top: int = 12) -> None:
    """Where the hub's sampled time went: the share of samples in which each package is on the stack."""
    total, packages = 0, Counter()
    for line in folded.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if "concurrent/futures/thread.py" in frames[-1]:
            continue  # an idle worker thread waiting for work
        total += int(count)
        packages.update(dict.fromkeys({frame.rpartition("(")[2].split("/")[0].split(":")[0] for frame in frames},
                                      int(count)))
    print(f"hub profile ({total} busy samples at 100 Hz, {folded}): share of them with each module on the stack")
    for package, count in packages.most_common(top):
        print(f"  {count / max(total, 1):6.1%}  {package}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def prepare(hub, trainees: list[str], warm: bool) -> None:
    """Release the assignment, have every trainee choose a password (first login), and warm if asked."""
    from hub_support import log_in_over_http

    from course.hub.grader import run_as_grader

    run_as_grader(hub.state, ["nbgrader", "release_assignment", ASSIGNMENT], check=True, capture_output=True)
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda name: log_in_over_http(hub, name), trainees))
    if warm:
        from course.hub.warm import warm as warm_servers

        result = warm_servers(hub.state)
        print(result.summary())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=20, help="simulated trainees (default %(default)s)")
    parser.add_argument("--arrive-over", type=float, default=0, metavar="S",
                        help="spread the logins evenly over S seconds (default: all at once)")
    parser.add_argument("--warm", action="store_true", help="start every server with `hub warm` before the logins")
    parser.add_argument("--profile", metavar="FILE", help="record the hub with py-spy into FILE (folded stacks)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a server may take to be ready")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("hub_load: skipped: the course server needs root (it creates one account per trainee)")
        return 0
    from hub_support import course_hub

    people = {"i": "Load Instructor", **{f"t{n}x": f"Trainee {n}" for n in range(args.trainees)}}
    with course_hub(people) as hub:
        trainees = [hub.account(role) for role in people if role != "i"]
        prepare(hub, trainees, args.warm)
        course_id = hub.state.settings().course_id
        step = args.arrive_over / len(trainees)
        load_before = load_average()
        sampler = MemorySampler(trainees)
        sampler.start()
        spy = hub_profiler(hub.process.pid, args.profile) if args.profile else None
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(trainees)) as pool:
            trips = list(pool.map(lambda n: trainee_trip(hub, trainees[n], course_id, n * step, args.timeout),
                                  range(len(trainees))))
        wall = time.monotonic() - started
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(60)
        sampler.done.set()
        sampler.join()
        inbound = hub.state.exchange / course_id / "inbound"
        handed_in = {name.split("+")[0] for name in os.listdir(inbound)}
    report(args, trainees, trips, sampler, wall, load_before, handed_in)
    if args.profile:
        print_profile(Path(args.profile))
    return 0 if sum(trip.submitted for trip in trips) == len(trainees) else 1


def report(args, trainees: list[str], trips: list[Trip], sampler: MemorySampler, wall: float, load_before: str,
           handed_in: set[str]) -> None:
    mode = "after hub warm, at once" if args.warm else (
        f"arriving over {args.arrive_over:g} s" if args.arrive_over else "at once")
    ready = [trip.ready_s for trip in trips if trip.ready_s is not None]
    memory = [sampler.peak_mb[name] for name in trainees]
    print(f"{len(trainees)} trainees {mode} on {os.cpu_count()} cores, {wall:.0f} s in all; "
          f"load average (1, 5, 15 min) {load_before} before, {load_average()} after")
    if ready:
        print(f"login to server ready: p50 {percentile(ready, 0.5):.1f} s, p95 {percentile(ready, 0.95):.1f} s, "
              f"max {max(ready):.1f} s ({len(ready)} of {len(trainees)} ready)")
    print(f"submissions accepted: {sum(trip.submitted for trip in trips)} of {len(trainees)} attempted; "
          f"in the exchange: {len(handed_in & set(trainees))} trainees")
    print(f"peak memory per trainee server: median {statistics.median(memory):.0f} MB, max {max(memory):.0f} MB; "
          f"machine in use at peak {sampler.machine_peak_mb / 1024:.1f} GiB")
    for trip in trips:
        if trip.error:
            print(f"  {trip.trainee}: {trip.error}")


if __name__ == "__main__":
    sys.exit(main())
