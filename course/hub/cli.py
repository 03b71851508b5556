"""``mesocourse hub``: run the course server and enrol its people.

::

    mesocourse hub [start] [--ip IP] [--port PORT]     start JupyterHub (default 127.0.0.1:8000)
                   [--cull-idle MINUTES]          stop servers idle this long (default 60; 0: never)
    mesocourse hub add-instructor ID --name NAME       an instructor account (formgrade group)
    mesocourse hub add-trainees roster.csv             a cohort: accounts, gradebook students, group
    mesocourse hub add-staff roster.csv                assessors and clinic managers (id,name,email,role[,clinic])
    mesocourse hub warm [--group NAME] [--at HH:MM]    start a group's servers before a class (hub running;
                                                       default: every trainee), as many as the memory holds
    mesocourse hub remove-accounts                     remove every account this hub made (hub stopped),
                                                       after a backup; their files become root's
    mesocourse hub backup --out FILE.tar.gz            archive the course data (course, registry, keys, exchange)
    mesocourse hub restore FILE.tar.gz --state NEWDIR  bring a backup back into a new hub folder
    mesocourse hub exam open ASSIGNMENT --minutes N [--group NAME] [--extra-time ID=MINUTES ...] [--start ISO]
    mesocourse hub exam status                         exam sessions not closed, each trainee's end
    mesocourse hub exam close ASSIGNMENT               end a session (see course.hub.exams)

Every form takes ``--state DIR`` (default ``hub-data/``, or ``$MESOCOURSE_HUB``),
the one folder holding the hub's database, secrets, course, exchange and homes.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from dataclasses import replace
from pathlib import Path

from course.argument_types import positive_number
from course.errors import HubError

from .state import HubSettings, HubState


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--state", metavar="DIR", help="the hub folder (default: $MESOCOURSE_HUB or hub-data/)")
    parser.add_argument("action", nargs="?", default="start",
                        choices=("start", "add-instructor", "add-trainees", "add-staff", "warm", "remove-accounts",
                                 "backup", "restore", "exam"),
                        help="what to do (default: start)")
    parser.add_argument("target", nargs="?", metavar="ID|ROSTER",
                        help="add-instructor: the account id; add-trainees: the roster CSV (id,name,email[,clinic]); "
                             "add-staff: the staff roster CSV (id,name,email,role[,clinic]); "
                             "restore: the backup file; exam: open, status or close")
    parser.add_argument("assignment", nargs="?", metavar="ASSIGNMENT", help="exam open/close: the exam assignment")
    parser.add_argument("--minutes", type=int, help="exam open: how long the exam lasts")
    parser.add_argument("--extra-time", action="append", default=[], metavar="ID=MINUTES",
                        help="exam open: extra minutes for one trainee (an accommodation); repeatable")
    parser.add_argument("--start", metavar="ISO", help="exam open: when it starts, UTC (default: now)")
    parser.add_argument("--ip", help="address the hub listens on (default 127.0.0.1; kept for later starts)")
    parser.add_argument("--port", type=int, help="port the hub listens on (default 8000; kept for later starts)")
    parser.add_argument("--grader-account", help="operating-system account of the grader's server "
                        "(default grader-COURSE; chosen when the folder is made)")
    parser.add_argument("--db-url",
                        help="hub database URL (default SQLite in DIR/private; chosen when the folder is made)")
    parser.add_argument("--name", help="add-instructor: the instructor's full name")
    parser.add_argument("--email", default="", help="add-instructor: the instructor's email (optional)")
    parser.add_argument("--out", metavar="FILE", help="backup: the archive to write (.tar.gz)")
    parser.add_argument("--password-days", type=int, metavar="DAYS",
                        help="days a one-time password stays valid (default 7; kept for later enrolments)")
    parser.add_argument("--group", metavar="NAME", help="warm: the hub group whose servers to start; exam open: "
                        "the hub group sitting it (default: every trainee, nbgrader-COURSE)")
    parser.add_argument("--at", metavar="HH:MM", help="warm: wait until this time of day first (e.g. 08:55)")
    parser.add_argument("--cull-idle", type=positive_number("minutes", zero_means="never"), metavar="MINUTES",
                        help="stop a server idle for this long (default 60, 0: never; kept for later starts)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def open_state(args: argparse.Namespace) -> HubState:
    """The hub folder, made and laid out on first use; ``--ip``/``--port`` saved when given."""
    from .layout import prepare

    state = HubState.at(args.state)
    state.root.mkdir(parents=True, exist_ok=True)
    settings = state.settings() if state.exists() else HubSettings(
        grader_account=args.grader_account or HubSettings.grader_account, db_url=args.db_url or "")
    given = (("ip", args.ip), ("port", args.port), ("password_days", args.password_days),
             ("cull_idle_minutes", args.cull_idle))
    changes = {key: value for key, value in given if value is not None}
    state.save_settings(replace(settings, **changes))
    prepare(state, Path(sys.executable).parent)
    return state


def hub_url(state: HubState) -> str:
    settings = state.settings()
    host = "127.0.0.1" if settings.ip in ("", "0.0.0.0") else settings.ip
    return f"http://{host}:{settings.port}"


def print_first_logins(state: HubState, logins: list, role: str) -> None:
    url = hub_url(state)
    if not logins:
        print(f"no new {role}: everyone in the list was already enrolled")
        return
    print(f"Enrolled {len(logins)} {role} in {state.settings().course_id}. "
          "Give each person their line (one-time passwords are shown only now):")
    width = max(len(login.person.id) for login in logins)
    for login in logins:
        print(f"  {login.person.id:<{width}}  one-time password: {login.password}   "
              f"(expires {login.expires:%Y-%m-%d %H:%M} UTC)   ({login.person.name})")
    print(f"First login: open {url}/hub/login and log in with your id and one-time password, before it expires; "
          "the hub then asks you to choose your own password (Change password, in the bar, later on)")


def start(state: HubState) -> int:
    """Replace this process with JupyterHub (Ctrl-C or kill stops it; submitted work is on disk)."""
    from .accounts import enrolled

    url = hub_url(state)
    print(f"mesocourse hub: {url}  (folder {state.root})")
    if not enrolled(state)["instructors"]:
        print(f"No instructor yet. In another terminal: sudo .venv/bin/mesocourse hub add-instructor ID "
              f"--name 'Full Name' --state {state.root}")
    print(f"Trainees: sudo .venv/bin/mesocourse hub add-trainees roster.csv --state {state.root}", flush=True)
    env = {**os.environ, "MESOCOURSE_HUB_STATE": str(state.root), "MESOCOURSE_HUB_API_PORT": str(free_port()),
           "MESOCOURSE_PROXY_API_PORT": str(free_port())}
    config = Path(__file__).with_name("jupyterhub_config.py")
    os.chdir(state.private)
    os.execve(sys.executable, [sys.executable, "-m", "jupyterhub", "-f", str(config)], env)


def people_to_enrol(args: argparse.Namespace) -> list:
    """The roster's people, or the one instructor of ``add-instructor``; each checked first."""
    from .accounts import EnrolmentError
    from .roster import Person, RosterError, person_problems, read_roster

    if args.action in ("add-trainees", "add-staff"):
        if not args.target:
            raise RosterError(Path("(none)"), [f"give the roster: mesocourse hub {args.action} roster.csv"])
        return read_roster(Path(args.target), staff=args.action == "add-staff")
    person = Person(args.target or "", args.name or "", args.email)
    problems = person_problems(person)
    if problems:
        raise EnrolmentError("; ".join(problems))
    return [person]


def remove_accounts(state: HubState) -> int:
    from .accounts import remove_everyone
    from .hub_api import HubAPI

    if state.exists() and HubAPI.for_state(state).running():
        raise HubError(f"remove-accounts: the hub at {hub_url(state)} is running: stop it first")
    if state.exists():
        from .backup import retirement_backup

        print(f"backup of the course data first: {retirement_backup(state)} "
              "(root only; mesocourse hub restore FILE --state NEWDIR brings it back)")
    print(f"removed {', '.join(remove_everyone(state)) or 'no account'}; their files in {state.root} are now root's")
    return 0


def backup_or_restore(state: HubState, args: argparse.Namespace) -> int:
    """``hub backup --out FILE`` or ``hub restore FILE`` (see :mod:`.backup`); a refusal raises BackupError."""
    from .backup import BackupError, backup, restore

    if args.action == "backup":
        if not args.out:
            raise BackupError("say where the backup goes: mesocourse hub backup --out FILE.tar.gz")
        print(f"backup of {state.root}: {backup(state, Path(args.out))} (root only: it holds the signing key)")
        return 0
    if not args.target:
        raise BackupError("give the backup to restore: mesocourse hub restore FILE.tar.gz")
    restored = restore(state, Path(args.target))
    print(f"restored {', '.join(restored)} into {state.root}; enrol people again with "
          f"mesocourse hub add-instructor / add-trainees --state {state.root}")
    return 0


def warm_servers(state: HubState, args: argparse.Namespace) -> int:
    """``hub warm``: start the group's servers (see :mod:`.warm`); 1 when some failed to start."""
    from .warm import WarmError, wait_until_clock, warm

    if not state.exists():
        raise WarmError(f"warm: {state.root} is not a hub folder (give --state DIR)")
    if args.at:
        wait_until_clock(args.at)
    result = warm(state, args.group)
    print(result.summary())
    return 1 if result.failed else 0


def exam(state: HubState, args: argparse.Namespace) -> int:
    """``hub exam open|status|close`` (see :mod:`.exam_controls`); a refusal raises ExamSessionError."""
    from .exam_controls import close_exam, open_exam
    from .exams import ExamSessionError, status_lines
    from .hub_api import HubAPI

    if args.target not in ("open", "status", "close"):
        raise ExamSessionError(f"hub exam {args.target or ''}: say open, status or close")
    if not state.exists():
        raise ExamSessionError(f"{state.root}: no hub folder here (hub.json missing); give --state DIR")
    if args.target == "status":
        print("\n".join(status_lines(state)))
        return 0
    if not args.assignment:
        raise ExamSessionError(f"hub exam {args.target}: name the exam assignment (e.g. certification)")
    if args.target == "close":
        done = close_exam(state, HubAPI.for_state(state), args.assignment)
    else:
        if args.minutes is None:
            raise ExamSessionError("hub exam open: say how long it lasts with --minutes N")
        done = open_exam(state, HubAPI.for_state(state), args.assignment, args.minutes, args.group,
                         args.extra_time, args.start)
    print("\n".join(done.said))
    return 0


def run(args: argparse.Namespace) -> int:
    """Refusals and errors (a bad roster row, a failed enrolment, a hub that cannot start here) are raised
    for ``course.cli`` to report in one line, with the error contract's exit status."""
    from .accounts import enrol
    from .preflight import problem

    refused = problem(need_proxy=args.action == "start")
    if refused:
        raise HubError(refused)
    if args.action == "remove-accounts":
        return remove_accounts(HubState.at(args.state))
    if args.action in ("backup", "restore"):
        return backup_or_restore(HubState.at(args.state), args)
    if args.action == "warm":
        return warm_servers(HubState.at(args.state), args)
    if args.action == "exam":
        return exam(HubState.at(args.state), args)
    people = [] if args.action == "start" else people_to_enrol(args)
    state = open_state(args)
    if args.action == "start":
        return start(state)
    if args.action == "add-staff":
        from .staff import enrol_staff

        print_first_logins(state, enrol_staff(state, people), "member(s) of staff")
        for person in people:
            print(f"  {person.id}: {', '.join(person.roles)}" + (f" at {person.clinic}" if person.clinic else ""))
        return 0
    role = "trainee" if args.action == "add-trainees" else "instructor"
    print_first_logins(state, enrol(state, people, role), f"{role}(s)")
    return 0
