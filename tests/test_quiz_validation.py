"""Broken banks, written to a temporary bank folder, give errors naming file, item and field."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from course.quiz import QuizError, all_banks, load_bank, quizzes_dir

DEPTH_BANK = "04_depth.yaml"


@pytest.fixture(scope="module")
def depth_raw() -> dict[str, Any]:
    return yaml.safe_load((quizzes_dir() / DEPTH_BANK).read_text(encoding="utf-8"))


def _item(raw: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(item for item in raw["items"] if item["id"] == item_id)


def _set(item_id: str, key: str, value: Any) -> Callable[[dict], None]:
    return lambda raw: _item(raw, item_id).__setitem__(key, value)


def _drop(item_id: str, key: str) -> Callable[[dict], None]:
    return lambda raw: _item(raw, item_id).pop(key)


def _option_feedback_missing(raw: dict) -> None:
    del _item(raw, "depth-05")["options"][1]["feedback"]


def _duplicate_id(raw: dict) -> None:
    _item(raw, "depth-02")["id"] = "depth-01"


def _options_in_answer_order(raw: dict) -> None:
    item = _item(raw, "depth-12")
    item["options"] = sorted(item["options"], key=lambda option: item["answer"].index(option["id"]))


def _duplicate_option(raw: dict) -> None:
    options = _item(raw, "depth-04")["options"]
    options[2] = dict(options[0])


# (what breaks, item, field, words of the message)
CASES = [
    (_set("depth-04", "answer", "subdermal"), "depth-04", "answer", "must be one option ID"),
    (_set("depth-05", "sources", ["iyengar_2018", "wikipedia"]), "depth-05", "sources[1]",
     "unknown source 'wikipedia'"),
    (_set("depth-05", "competency", "needles"), "depth-05", "competency", "unknown competency 'needles'"),
    (_set("depth-05", "difficulty", "tricky"), "depth-05", "difficulty", "'easy', 'medium' or 'hard'"),
    (_set("depth-05", "optoins", []), "depth-05", "optoins", "Extra inputs are not permitted"),
    (_option_feedback_missing, "depth-05", "options[1].feedback", "Field required"),
    (_duplicate_id, "depth-01", "id", "duplicate item ID"),
    (_duplicate_option, "depth-04", "options[2].id", "duplicate option ID"),
    (_drop("depth-01", "tolerance"), "depth-01", "tolerance", "needs `tolerance`"),
    (_set("depth-01", "answer", 2.5), "depth-01", "answer", "gives 2.0, but the answer is 2.5"),
    (_set("depth-07", "answer", "hypodermis"), "depth-07", "answer", "layer_at gives 'deeper'"),
    (_set("depth-06", "answer", "false"), "depth-06", "answer", "answer is true or false"),
    (_set("depth-06", "compute", {"engine": "guess_layer", "args": {}}), "depth-06", "compute",
     "unknown engine 'guess_layer'"),
    (_set("depth-06", "compute", {"engine": "layer_at", "args": {"depth_mm": 3, "area": "abdomen"}}),
     "depth-06", "compute", "no reliable layer figures"),
    (_set("depth-12", "answer", ["epidermal", "intradermal", "hypodermic"]), "depth-12", "answer",
     "every option ID once"),
    (_options_in_answer_order, "depth-12", "options", "already in the answer's order"),
    (_set("depth-04", "unit", "mm"), "depth-04", "unit", "only numeric items have `unit`"),
    (_set("depth-05", "answer", {"layer": "dermis"}), "depth-05", "answer", "must be true/false, a number"),
    (_drop("depth-03", "id"), "#3", "id", "Field required"),  # no ID: the item's position
]


def _write(folder: Path, raw: Any, name: str = DEPTH_BANK) -> Path:
    path = folder / name
    path.write_text(raw if isinstance(raw, str) else yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("breakage", "item", "field", "words"), CASES,
                         ids=[f"{c[1]}:{c[2]}:{c[3][:20]}" for c in CASES])
def test_broken_item_error_names_file_item_and_field(tmp_path, monkeypatch, depth_raw, breakage, item, field, words):
    raw = copy.deepcopy(depth_raw)
    breakage(raw)
    path = _write(tmp_path, raw)
    monkeypatch.setenv("MESOCOURSE_QUIZZES", str(tmp_path))
    with pytest.raises(QuizError) as caught:
        load_bank("04")
    error = caught.value
    assert (error.item, error.field) == (item, field)
    assert str(error).startswith(f"{path}: item '{item}', field '{field}': ")
    assert words in error.message


def test_bank_level_errors_name_the_top_level(tmp_path, monkeypatch, depth_raw):
    monkeypatch.setenv("MESOCOURSE_QUIZZES", str(tmp_path))
    short = dict(depth_raw, items=depth_raw["items"][:9])
    _write(tmp_path, short)
    with pytest.raises(QuizError, match=r"04_depth\.yaml: top level, field 'items': .*at least 10"):
        load_bank("04")
    _write(tmp_path, dict(depth_raw, module="05"))
    with pytest.raises(QuizError, match=r"top level, field 'module': the file is for module 04"):
        load_bank("04")
    _write(tmp_path, "module: '04'\nitems: [unclosed\n")
    with pytest.raises(QuizError, match="not valid YAML"):
        load_bank("04")


def test_missing_bank_and_duplicate_ids_across_banks(tmp_path, monkeypatch, depth_raw):
    monkeypatch.setenv("MESOCOURSE_QUIZZES", str(tmp_path))
    with pytest.raises(QuizError, match="expected one bank file 04_\\*.yaml for module 04, found none"):
        load_bank("4")
    _write(tmp_path, depth_raw)
    _write(tmp_path, dict(depth_raw, module="05"), name="05_copy.yaml")
    with pytest.raises(QuizError) as caught:
        all_banks()
    assert caught.value.item == "depth-01" and "also in 04_depth.yaml" in str(caught.value)


def test_the_environment_variable_points_at_another_bank_folder(tmp_path, monkeypatch, depth_raw):
    _write(tmp_path, dict(depth_raw, title="A copy"))
    monkeypatch.setenv("MESOCOURSE_QUIZZES", str(tmp_path))
    assert load_bank("04").title == "A copy"
    assert [bank.module for bank in all_banks()] == ["04"]
