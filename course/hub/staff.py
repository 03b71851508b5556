"""Enrolling a clinic's staff: assessors and clinic managers (``mesocourse hub add-staff``).

Staff log in to the hub (a NativeAuthenticator password, one-time at first) and use
the course service's pages; they get no Jupyter server, so no operating-system
account, unless they are also instructors (enrolled with ``add-instructor`` first:
their roles are then added to the instructor's account). Each role is a hub group,
``assessors-COURSE`` and ``clinic-managers-COURSE`` (:class:`~course.hub.state.HubSettings`),
which the course service reads. Enrolment is all or nothing, like ``add-trainees``;
a roster run again sets each person's roles and clinic to what it says.
"""

from __future__ import annotations

import secrets
from functools import partial

from .accounts import (
    EnrolmentError,
    FirstLogin,
    Undo,
    account_owner_problem,
    enrolled,
    remove_password,
    save_enrolled,
    set_password,
)
from .passwords import forget_one_time, record_one_time
from .roster import Person, account_problem
from .state import HubState


def staff_problems(state: HubState, people: list[Person]) -> list[str]:
    """Why some of ``people`` cannot be staff of this hub, each with its roster line."""
    records, grader = enrolled(state), state.settings().grader_account
    problems = [f"{person.where}{problem}" for person in people
                for problem in [account_problem(person.id), account_owner_problem(state, person.id)] if problem]
    problems += [f"{person.where}{person.id!r} is enrolled as a trainee: a trainee cannot assess or manage staff"
                 for person in people if person.id in records["trainees"]]
    problems += [f"{person.where}{person.id!r} is the course's grader account"
                 for person in people if person.id == grader]
    return problems


def enrol_staff(state: HubState, people: list[Person]) -> list[FirstLogin]:
    """Enrol ``people`` (each with ``roles``) as staff; returns the first logins of those new to the hub."""
    from .hub_api import HubAPI

    problems = staff_problems(state, people)
    if problems:
        raise EnrolmentError(f"{len(problems)} problem(s), nobody was enrolled:\n  " + "\n  ".join(problems))
    records, settings = enrolled(state), state.settings()
    new = [person for person in people if person.id not in records["staff"] and person.id not in records["instructors"]]
    api, undo, logins = HubAPI.for_state(state), Undo(), []
    try:
        for person in new:
            password = secrets.token_urlsafe(9)
            set_password(state, person, password)
            undo.push(partial(remove_password, state, person.id))
            logins.append(FirstLogin(person, password, record_one_time(state, person.id, settings.password_days)))
            undo.push(partial(forget_one_time, state, person.id))
        if api.running():
            undo.push(lambda: api.delete_users([person.id for person in new]))
            for role in ("assessor", "clinic_manager"):
                holders = [person.id for person in people if role in person.roles]
                if holders:
                    api.add_to_group(settings.staff_group(role), holders)
        for person in people:
            records["staff"][person.id] = {"name": person.name, "email": person.email, "roles": list(person.roles),
                                           "clinic": person.clinic}
        save_enrolled(state, records)
    except Exception as error:
        failures = undo.run()
        detail = f" (and undoing failed: {'; '.join(failures)})" if failures else ""
        raise EnrolmentError(f"nobody was enrolled: {error}{detail}") from error
    return logins
