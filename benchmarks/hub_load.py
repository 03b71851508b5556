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

Reports p50, p95 and max of login-to-server-ready, where the machine's CPU went until the
last server was ready (trainee servers, hub, proxy, the benchmark itself, the rest), submissions accepted vs
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


def trainee_trip(hub, trainee: str, course_id: str, delay: float, timeout: float,
                 on_ready=lambda: None) -> Trip:
    """One trainee, ``delay`` seconds after the start, as the browser would: login form, spawn, wait,
    (``on_ready``) then fetch and submit."""
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
        on_ready()
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


TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> float:
    """CPU-seconds the machine has been busy since boot (all cores; /proc/stat, idle and iowait left out)."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / TICKS


def process_cpu_s(pid: int) -> float:
    """CPU-seconds of one process and of its children it has waited for (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return sum(int(value) for value in fields[11:15]) / TICKS


def cpu_by_account(accounts: list[str]) -> dict[str, float]:
    """CPU-seconds of the processes each account runs now (a trainee's server and what it started)."""
    import pwd

    uids = {pwd.getpwnam(name).pw_uid: name for name in accounts}
    totals = dict.fromkeys(accounts, 0.0)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            owner = uids.get(entry.stat().st_uid)
            if owner is not None:
                totals[owner] += process_cpu_s(int(entry.name))
        except OSError:  # the process ended meanwhile
            continue
    return totals


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
        proxy_pid = int((hub.state.private / "jupyterhub-proxy.pid").read_text())

        def cpu_now() -> dict[str, float]:
            return {"machine": machine_busy_s(), "trainee servers": sum(cpu_by_account(trainees).values()),
                    "hub": process_cpu_s(hub.process.pid), "proxy": process_cpu_s(proxy_pid),
                    "benchmark": sum(os.times()[:2]), "wall": time.monotonic()}

        before, at_ready, ready_lock = cpu_now(), {}, threading.Lock()

        def one_more_ready() -> None:  # the CPU used until the last trainee's server was ready
            with ready_lock:
                at_ready["count"] = at_ready.get("count", 0) + 1
                if at_ready["count"] == len(trainees):
                    at_ready.update({name: value - before[name] for name, value in cpu_now().items()})

        with ThreadPoolExecutor(max_workers=len(trainees)) as pool:
            trips = list(pool.map(lambda n: trainee_trip(hub, trainees[n], course_id, n * step, args.timeout,
                                                         one_more_ready), range(len(trainees))))
        wall = time.monotonic() - before["wall"]
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(60)
        sampler.done.set()
        sampler.join()
        inbound = hub.state.exchange / course_id / "inbound"
        handed_in = {name.split("+")[0] for name in os.listdir(inbound)}
    report(args, trainees, trips, sampler, wall, load_before, handed_in)
    if at_ready.pop("count", 0) == len(trainees):
        print_cpu(at_ready, len(trainees))
    if args.profile:
        print_profile(Path(args.profile))
    return 0 if sum(trip.submitted for trip in trips) == len(trainees) else 1


def print_cpu(used: dict[str, float], trainees: int) -> None:
    """Where the machine's CPU went until the last trainee's server was ready (fetches and hand-ins of
    those ready before included)."""
    machine, wall = used.pop("machine"), used.pop("wall")
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in used.items())
    print(f"CPU until the last server was ready: {machine:.1f} CPU-seconds of {os.cpu_count() * wall:.1f} "
          f"({os.cpu_count()} cores x {wall:.1f} s): {parts}, anything else {machine - sum(used.values()):.1f} s; "
          f"per trainee server {used['trainee servers'] / trainees:.2f} s")


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
