"""Rosters for the course server: every bad row refused with its line number, before anything is made."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.hub.roster import Person, RosterError, read_roster


def roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(RosterError) as caught:
        read_roster(roster(tmp_path, text))
    assert "nobody was enrolled" in str(caught.value)
    return caught.value.problems


def test_a_good_roster_gives_people_with_their_lines(tmp_path: Path):
    people = read_roster(roster(tmp_path, "id,name,email\nann_1,Ann Marie Example,ann@example.org\n\nbob-2,Bob,\n"))
    assert people == [Person("ann_1", "Ann Marie Example", "ann@example.org"), Person("bob-2", "Bob", "")]
    assert [person.line for person in people] == [2, 4]
    assert people[0].first_last == ("Ann Marie", "Example") and people[1].first_last == ("", "Bob")


def test_the_email_column_is_optional(tmp_path: Path):
    assert read_roster(roster(tmp_path, "id,name\ncy,Cy\n")) == [Person("cy", "Cy")]


@pytest.mark.parametrize("bad_id", ["Ann", "1ann", "ann smith", "ann+1", "../etc", "a" * 33, "ann;rm", "änn"])
def test_ids_that_are_not_safe_account_names_are_refused(tmp_path: Path, bad_id: str):
    found = problems(tmp_path, f"id,name,email\nok,Ok,\n{bad_id},Someone,\n")
    assert len(found) == 1 and found[0].startswith("line 3: id ") and "not a valid account name" in found[0]


def test_every_bad_row_is_reported_with_its_line(tmp_path: Path):
    found = problems(tmp_path, "id,name,email\nann,Ann,\n,Nobody,\nbob,,\ncy,Cy,not-an-email\nann,Ann Again,\n"
                               "dee,Dee,dee@example.org,extra\neve,Eve: Admin,\n")
    assert found == [
        "line 3: empty id",
        "line 4: empty name",
        "line 5: email 'not-an-email' is not an email address",
        "line 6: id 'ann' already on line 2",
        "line 7: 4 columns, the header has 3",
        "line 8: name 'Eve: Admin' has characters an account record cannot hold (',', ':', tabs)",
    ]


@pytest.mark.parametrize("text", ["", "name,id\nann,Ann\n", "id,name,phone\nann,Ann,1\n"])
def test_a_missing_or_wrong_header_is_refused_on_line_1(tmp_path: Path, text: str):
    assert problems(tmp_path, text)[0].startswith("line 1: the header must be id,name,email")


def test_an_empty_roster_and_an_unreadable_file_are_refused(tmp_path: Path):
    assert problems(tmp_path, "id,name,email\n\n") == ["no trainee in the roster"]
    (tmp_path / "latin1.csv").write_bytes(b"id,name\nann,Ren\xe9\n")
    with pytest.raises(RosterError, match="cannot be read"):
        read_roster(tmp_path / "latin1.csv")


def test_a_staff_roster_gives_roles_and_clinics(tmp_path: Path):
    people = read_roster(roster(tmp_path, "id,name,email,role,clinic\nrita,Rita Assessor,,assessor,North\n"
                                          "max,Max Manager,max@example.org,clinic_manager;Assessor,South\n"
                                          "ina,Ina Both,,assessor clinic_manager,\n"), staff=True)
    assert [(p.id, p.roles, p.clinic) for p in people] == [
        ("rita", ("assessor",), "North"), ("max", ("assessor", "clinic_manager"), "South"),
        ("ina", ("assessor", "clinic_manager"), "")]


def test_every_bad_staff_row_is_reported_with_its_line(tmp_path: Path):
    with pytest.raises(RosterError) as caught:
        read_roster(roster(tmp_path, "id,name,email,role\nrita,Rita,,assessor\nsam,Sam,,surgeon\ntom,Tom,,\n"
                                     "Uma,Uma,,clinic_manager\n"), staff=True)
    assert caught.value.problems == [
        "line 3: role 'surgeon' is not one of assessor, clinic_manager",
        "line 4: empty role (one or more of assessor, clinic_manager)",
        "line 5: id 'Uma' is not a valid account name (lower-case letters, digits, '_' or '-', starting with a letter, "
        "at most 32 characters)",
    ]


@pytest.mark.parametrize("text", ["id,name,email\nrita,Rita,\n", "id,name,email,role,phone\nrita,Rita,,assessor,1\n"])
def test_a_staff_roster_needs_its_role_column(tmp_path: Path, text: str):
    with pytest.raises(RosterError) as caught:
        read_roster(roster(tmp_path, text), staff=True)
    assert caught.value.problems[0].startswith("line 1: the header must be id,name,email,role[,clinic]")


def test_a_trainee_roster_has_no_role_column_but_may_name_a_clinic(tmp_path: Path):
    assert read_roster(roster(tmp_path, "id,name,clinic\nann,Ann,North\n"))[0].clinic == "North"
    assert problems(tmp_path, "id,name,role\nann,Ann,assessor\n")[0].startswith("line 1: the header must be")
