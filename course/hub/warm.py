"""``mesocourse hub warm``: start a group's servers before the class logs in.

A cold start costs a few CPU-seconds per server, and a class arriving at once
queues on the machine's cores; a server started before the class is ready at
login. Warming goes through the hub's REST API (as the CLI's service), in waves
of one server per core, and never past the machine's memory: before each wave it
measures what a running server takes (the resident memory of all the processes of
its account) and starts only as many as the memory still available holds, keeping
:data:`RESERVE_SHARE` of the machine free. Who is not warmed, and why, is said.

A warmed server has its Assignments tab's server side loaded too (nbgrader, which a trainee's
server otherwise loads when the tab first asks, :mod:`course.hub.assignments_tab`): its
0.4 CPU-seconds are spent before the class, not while twenty trainees log in.

A trainee still on the one-time password is not warmed: no server starts before
the person has chosen their own password (:mod:`course.hub.authenticator`).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from course.errors import HubError

from .hub_api import HubAPI
from .passwords import one_time_status
from .state import HubState

FIRST_GUESS_MB = 250.0  # before any server runs: a trainee server's peak measured by benchmarks/hub_load.py
RESERVE_SHARE = 0.10  # of the machine's memory, kept free for the hub, kernels and grading
READY_TIMEOUT_S = 300


class WarmError(HubError):
    """Warming cannot run: no hub answering, an unknown group, a bad time."""


@dataclass
class WarmResult:
    group: str
    members: list[str]
    warmed: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    one_time: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    no_memory: list[str] = field(default_factory=list)
    per_server_mb: float = FIRST_GUESS_MB

    def summary(self) -> str:
        lines = [f"warmed {len(self.warmed)} of {len(self.members)} in group {self.group} "
                 f"({len(self.already)} already running); about {self.per_server_mb:.0f} MB per server"]
        reasons = [(self.one_time, "still on the one-time password (no server before the first login)"),
                   (self.no_memory, "not started: the machine's memory would run short (they start at login)"),
                   (sorted(self.failed), "failed to start: " + "; ".join(f"{k}: {v}" for k, v in self.failed.items()))]
        lines += [f"  {len(names)} {why}: {', '.join(names)}" for names, why in reasons if names]
        return "\n".join(lines)


def memory_by_account() -> dict[str, float]:
    """Resident memory (MB) of all the processes of each account, from ``ps``."""
    out = subprocess.run(["ps", "-e", "-o", "user:32=,rss="], capture_output=True, text=True, check=True).stdout
    totals: dict[str, float] = {}
    for line in out.splitlines():
        user, _, rss = line.strip().rpartition(" ")
        totals[user.strip()] = totals.get(user.strip(), 0.0) + int(rss) / 1024
    return totals


def meminfo_mb(key: str) -> float:
    """A line of ``/proc/meminfo`` (``MemTotal``, ``MemAvailable``) in MB."""
    with open("/proc/meminfo") as lines:
        for line in lines:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise WarmError(f"/proc/meminfo has no {key}: cannot tell how many servers the memory holds")


def servers_that_fit(per_server_mb: float) -> int:
    """How many more servers the available memory holds, keeping the reserve free."""
    spare = meminfo_mb("MemAvailable") - RESERVE_SHARE * meminfo_mb("MemTotal")
    return max(0, int(spare // per_server_mb))


def wait_until_clock(at: str) -> None:
    """Sleep until ``HH:MM`` (the machine's local time; tomorrow if that time has passed today)."""
    try:
        clock = datetime.strptime(at, "%H:%M").time()
    except ValueError:
        raise WarmError(f"--at {at!r}: give the time as HH:MM (24-hour clock), e.g. --at 08:55") from None
    now = datetime.now()
    start = datetime.combine(now.date(), clock)
    if start <= now:
        start += timedelta(days=1)
    print(f"waiting until {start:%Y-%m-%d %H:%M} (in {str(start - now).split('.')[0]}) to warm", flush=True)
    time.sleep((start - now).total_seconds())


def show_progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    print(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} ready", end="", file=sys.stderr, flush=True)


def is_ready(api: HubAPI, account: str) -> bool | str:
    """True once the server is ready, False while it starts, or why it stopped."""
    server = api.model(f"/users/{account}")["servers"].get("")
    if server is None:
        return "the server stopped while starting (the hub's log says why)"
    return bool(server.get("ready"))


def load_assignments_tab(api: HubAPI, account: str) -> None:
    """Ask the warmed server for its courses, as the Assignments tab does, so that it loads nbgrader now,
    with a token of the trainee's that expires in a minute; a failure only means it loads at her first ask."""
    try:
        made = api.call("POST", f"/users/{account}/tokens", {"note": "hub warm: the Assignments tab", "expires_in": 60})
        token = made["token"] if isinstance(made, dict) else ""
        request = urllib.request.Request(f"{api.url.removesuffix('/hub/api')}/user/{account}/courses",
                                         headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=60):
            pass
    except (HubError, OSError) as error:
        print(f"\n  {account}: the Assignments tab loads at the first ask ({error})", file=sys.stderr)


def start_wave(api: HubAPI, wave: list[str], result: WarmResult) -> None:
    """Ask the hub to start each server of the wave, then wait until each is ready or has failed."""
    for account in wave:
        try:
            api.call("POST", f"/users/{account}/server")
        except HubError as error:
            result.failed[account] = str(error)
    deadline = time.monotonic() + READY_TIMEOUT_S
    waiting = [account for account in wave if account not in result.failed]
    while waiting and time.monotonic() < deadline:
        for account in list(waiting):
            state = is_ready(api, account)
            if state is True:
                load_assignments_tab(api, account)
                result.warmed.append(account)
            elif isinstance(state, str):
                result.failed[account] = state
            if state is not False:
                waiting.remove(account)
                show_progress(len(result.warmed) + len(result.already), len(result.members))
        time.sleep(0.5)
    result.failed.update({account: f"not ready after {READY_TIMEOUT_S} s" for account in waiting})


def measured_per_server_mb(running: list[str]) -> float:
    """The median resident memory of the running servers' accounts (the first guess while none runs)."""
    totals = memory_by_account()
    sizes = [totals[account] for account in running if totals.get(account)]
    return statistics.median(sizes) if sizes else FIRST_GUESS_MB


def warm(state: HubState, group: str | None = None) -> WarmResult:
    """Start the servers of ``group`` (default: every trainee), bounded by the machine's memory."""
    api = HubAPI.for_state(state)
    if not api.running():
        where = api.url.removesuffix("/hub/api")
        raise WarmError(f"warm: no hub answers at {where}: start it first (mesocourse hub)")
    name = group or state.settings().trainee_group
    try:
        members = sorted(api.model(f"/groups/{name}")["users"])
    except HubError as error:
        raise WarmError(f"warm: no group {name!r} on the hub ({error})") from None
    result = WarmResult(name, members)
    result.already = [a for a in members if api.model(f"/users/{a}")["servers"].get("", {}).get("ready")]
    result.one_time = [a for a in members if a not in result.already and one_time_status(state, a) != "own"]
    queue = [a for a in members if a not in result.already and a not in result.one_time]
    show_progress(len(result.already), len(members))
    while queue:
        result.per_server_mb = measured_per_server_mb(result.already + result.warmed)
        wave = queue[:min(os.cpu_count() or 1, servers_that_fit(result.per_server_mb))]
        if not wave:
            result.no_memory = queue
            break
        del queue[:len(wave)]
        start_wave(api, wave, result)
    print(file=sys.stderr)
    return result
