"""The hub's password check (Argon2id, off the event loop) still decides as NativeAuthenticator did.

A real hub with real accounts: the right password logs in, a wrong one does not,
and after five wrong attempts the account is blocked for a while even with the
right password; a bcrypt record from an older hub still logs in, and is stored as
Argon2id from then on. Every account and process is removed at the end (checked). Needs root.
"""

from __future__ import annotations

import pytest
import requests
from hub_support import course_hub_left_clean, log_in_over_http

pytestmark = [pytest.mark.hub, pytest.mark.slow]
PEOPLE = {"i": "Ines Tructor", "a": "Ann Right", "b": "Bo Guesser", "c": "Cy Older"}


@pytest.fixture(scope="module")
def hub():
    from prerequisites import course_server_missing, require

    require(course_server_missing())
    with course_hub_left_clean(PEOPLE) as running:
        yield running


def login_status(hub, account: str, password: str) -> int:
    session = requests.Session()
    session.get(f"{hub.url}/hub/login", timeout=60)
    form = {"username": account, "password": password, "_xsrf": session.cookies.get("_xsrf", path="/hub/")}
    return session.post(f"{hub.url}/hub/login", data=form, allow_redirects=False, timeout=120).status_code


def test_the_right_password_logs_in_and_a_wrong_one_does_not(hub):
    a = hub.account("a")
    log_in_over_http(hub, a)  # first login: one-time password, then an own one
    assert login_status(hub, a, hub.passwords[a]) == 302
    assert login_status(hub, a, hub.passwords[a] + "x") == 200  # the login page again, with its error
    assert login_status(hub, "nobody-" + hub.tag, "whatever-password") == 200


def test_five_wrong_attempts_block_the_account_even_for_the_right_password(hub):
    b = hub.account("b")
    log_in_over_http(hub, b)
    for _ in range(5):
        assert login_status(hub, b, "not-her-password") == 200
    assert login_status(hub, b, hub.passwords[b]) == 200  # blocked for seconds_before_next_try


def test_a_bcrypt_record_from_an_older_hub_logs_in_and_is_stored_as_argon2id(hub):
    """An older hub's database, as this hub finds it when it starts: Cy chose her password then."""
    import bcrypt
    from nativeauthenticator.orm import UserInfo

    from course.hub.accounts import hub_database
    from course.hub.passwords import forget_one_time

    c, chosen = hub.account("c"), "own-older-hub-password"
    hub.stop()
    with hub_database(hub.state) as db:
        UserInfo.find(db, c).password = bcrypt.hashpw(chosen.encode(), bcrypt.gensalt(12))
        db.commit()
    forget_one_time(hub.state, c)
    hub.start()

    def record() -> bytes:
        with hub_database(hub.state) as db:
            return UserInfo.find(db, c).password

    assert login_status(hub, c, chosen + "x") == 200
    assert record().startswith(b"$2b$12$")  # a wrong password changes nothing
    assert login_status(hub, c, chosen) == 302
    assert record().startswith(b"$argon2id$")
    assert login_status(hub, c, chosen) == 302  # and the new record is checked as the old one was
    assert login_status(hub, c, "own-another-password") == 200
