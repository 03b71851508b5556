"""The certification framework in the knowledge base, and bad input to the commands:
each refused with a message naming the file, entry, option or cell at fault."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from certification_builders import ITEMS, Item, Trainee, build_course

from course.cli import main
from course.dates import add_months
from course.knowledge import DATA_DIR, KnowledgeError, load, load_from


def test_the_framework_is_in_the_knowledge_base() -> None:
    framework = load().certification
    assert [e.name for e in framework.entrustment_scale] == [
        "observe only", "direct supervision", "indirect supervision", "unsupervised", "may supervise others"]
    assert framework.restrictions_for(3) == ("supervised practice only",)
    assert framework.restrictions_for(4) == ()
    assert {p.id for p in framework.observed_practice} == {"consultation_screening", "facial_session"}


def edited_knowledge(tmp_path: Path, edit) -> Path:
    directory = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    path = directory / "certification.yaml"
    content = yaml.safe_load(path.read_text("utf-8"))
    edit(content)
    path.write_text(yaml.safe_dump(content), "utf-8")
    return directory


@pytest.mark.parametrize(("edit", "where"), [
    (lambda c: c["observed_practice"][1].update(competencies=["depth", "juggling"]),
     "certification.yaml: entry 'facial_session', field 'competencies': unknown competency 'juggling'"),
    (lambda c: c["observed_practice"][0].update(min_level=6),
     "entry 'consultation_screening', field 'min_level': level 6 is not on the entrustment scale"),
    (lambda c: c["entrustment_scale"].reverse(),
     "field 'entrustment_scale': Value error, levels must be 1, 2, 3, ... in order, got [5, 4, 3, 2, 1]"),
    (lambda c: c["restrictions"].append({"level": 3, "restrictions": ["again"]}),
     "field 'restrictions[2].level': level 3 listed twice"),
    (lambda c: c.update(sources=["ten_cate_2020", "no_such_source"]),
     "field 'sources': unknown source 'no_such_source'"),
])
def test_a_broken_framework_is_refused_with_its_place(tmp_path: Path, edit, where: str) -> None:
    with pytest.raises(KnowledgeError) as error:
        load_from(edited_knowledge(tmp_path, edit))
    assert where in str(error.value)


def test_months_are_calendar_months() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 1), 12) == date(2025, 3, 1)
    assert add_months(date(2025, 1, 15), -12) == date(2024, 1, 15)


@pytest.mark.parametrize(("options", "message"), [
    (["--entrustment", "6"], "--entrustment: 6 is not on the entrustment scale (1-5)"),
    (["--procedure", "nap"], "--procedure: unknown procedure 'nap' (known: consultation_screening, facial_session)"),
    (["--date", "2024-13-01"], "--date: '2024-13-01' is not a date of the form YYYY-MM-DD"),
    (["--date", "2999-01-01"], "--date: 2999-01-01 is in the future"),
    (["--assessor", " "], "--assessor: empty"),
    (["--by", ""], "--by: give the name of who records this"),
])
def test_bad_observations_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str],
                                      message: str) -> None:
    defaults = {"--procedure": "facial_session", "--assessor": "Dr A", "--entrustment": "3", "--date": "2024-01-01",
                "--by": "me"}
    defaults.update(zip(options[::2], options[1::2]))
    registry = tmp_path / "registry.db"
    argv = ["observe", "t1", "--registry", str(registry)] + [part for pair in defaults.items() for part in pair]
    assert main(argv) == 2
    assert capsys.readouterr().err.strip() == f"mesocourse observe: error: {message}"
    assert not registry.exists()


def test_certify_names_a_missing_gradebook_and_an_unknown_tag(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    course = tmp_path / "course"
    course.mkdir()
    assert main(["certify", "--course", str(course), "--by", "me"]) == 2
    assert f"no gradebook at {course / 'gradebook.db'}" in capsys.readouterr().err

    bad = (*ITEMS, Item("ps3", "extra", "juggle", 1, ("juggling",)))
    build_course(tmp_path / "tagged", [Trainee("t1")], bad)
    assert main(["certify", "--course", str(tmp_path / "tagged"), "--by", "me"]) == 2
    assert (f"{tmp_path / 'tagged' / 'source' / 'ps3' / 'extra'}.ipynb, cell 'juggle', field "
            "'mesocourse.competencies': unknown competency 'juggling'") in capsys.readouterr().err


def test_the_gradebook_location_comes_from_nbgrader_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    course = build_course(tmp_path / "course", [Trainee("t1")])
    (course / "gradebook.db").rename(course / "grades.db")
    (course / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.db_url = "sqlite:///grades.db"\n')
    assert main(["certify", "--course", str(course), "--date", "2024-03-01", "--by", "me"]) == 0
    assert "t1 (Test Trainee): not yet certified" in capsys.readouterr().out


def test_verify_needs_a_certificate_or_the_registry_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify"]) == 2
    assert "give CERT_ID, --registry to check every record, or --credential FILE.jwt" in capsys.readouterr().err


def test_expiring_rejects_a_bad_period(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["expiring", "--within", "two months", "--registry", str(tmp_path / "r.db")]) == 2
    assert "--within: 'two months' is not a period like 60d (days) or 8w (weeks)" in capsys.readouterr().err
