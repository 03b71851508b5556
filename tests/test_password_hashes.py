"""The hub's password records: Argon2id at OWASP's parameters, older bcrypt records still checked."""

from __future__ import annotations

import bcrypt
import pytest

from course.hub.password_hashes import HASHER, hash_password, outdated, password_matches


def test_a_new_record_is_argon2id_at_owasp_parameters_and_matches_only_its_password():
    record = hash_password("Correct horse 7")
    assert record.startswith(b"$argon2id$v=19$m=19456,t=2,p=1$")
    assert password_matches("Correct horse 7", record)
    assert not password_matches("correct horse 7", record)
    assert not password_matches("", record)
    assert hash_password("Correct horse 7") != record  # a new salt each time
    assert not outdated(record)


def test_an_older_bcrypt_record_still_matches_and_is_outdated():
    record = bcrypt.hashpw(b"Correct horse 7", bcrypt.gensalt(4))
    assert password_matches("Correct horse 7", record)
    assert not password_matches("Correct horse 8", record)
    assert outdated(record)


def test_an_argon2id_record_of_weaker_parameters_is_outdated():
    from argon2 import PasswordHasher

    weaker = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("x").encode()
    assert password_matches("x", weaker)  # still checked (its parameters are in the record)
    assert outdated(weaker) and HASHER.check_needs_rehash(weaker.decode())


@pytest.mark.parametrize("record", [b"", b"plain text", b"$argon2id$broken", b"$2b$12$short"])
def test_a_damaged_record_matches_no_password(record):
    assert not password_matches("plain text", record)
    assert outdated(record)
