"""One-time passwords: valid for a number of days, then refused; gone once the person chose their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from course.hub.passwords import forget_one_time, one_time_status, record_one_time
from course.hub.state import HubState


@pytest.fixture
def state(tmp_path) -> HubState:
    hub = HubState.at(tmp_path / "hub")
    hub.private.mkdir(parents=True)
    return hub


def test_a_one_time_password_is_valid_for_its_days_then_expired(state: HubState):
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    expires = record_one_time(state, "ann", 7, now=now)
    assert expires == now + timedelta(days=7)
    assert one_time_status(state, "ann", now=now + timedelta(days=6, hours=23)) == "one-time"
    assert one_time_status(state, "ann", now=expires) == "expired"
    assert one_time_status(state, "bob", now=now) == "own"  # no one-time password recorded


def test_choosing_an_own_password_ends_the_one_time_one(state: HubState):
    record_one_time(state, "ann", 7)
    record_one_time(state, "bob", 7)
    forget_one_time(state, "ann")
    assert (one_time_status(state, "ann"), one_time_status(state, "bob")) == ("own", "one-time")
    assert oct((state.private / "one-time-passwords.json").stat().st_mode & 0o777) == "0o600"


def test_a_password_valid_for_no_day_is_refused(state: HubState):
    with pytest.raises(ValueError, match="at least 1 day"):
        record_one_time(state, "ann", 0)
