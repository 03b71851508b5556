"""Whole-item and cross-file checks of a quiz bank.

The pydantic models in :mod:`course.quiz.bank` check each field's shape. Here:
the bank's module matches its file name, item IDs are unique, each type has the
fields it needs (and no others), the answer fits the options, competencies and
sources exist in the knowledge base, and a ``compute`` engine reproduces the answer.
Every failure is a :class:`QuizError` naming file, item and field.
"""

from __future__ import annotations

from course.knowledge import KnowledgeBase

from . import compute
from .bank import Bank, Item, QuizError

TRUE_FALSE_IDS = ("true", "false")


class _Fault(Exception):
    """An item fault: the field and the message (the caller adds file and item)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _check_numeric(item: Item) -> None:
    if item.options:
        raise _Fault("options", "a numeric item has no options (it has tolerance, unit and feedback)")
    for name in ("tolerance", "unit", "feedback"):
        if getattr(item, name) is None:
            raise _Fault(name, f"a numeric item needs `{name}`")
    if isinstance(item.answer, bool) or not isinstance(item.answer, float):
        raise _Fault("answer", f"a numeric item's answer is a number, got {item.answer!r}")


def _check_choice(item: Item) -> None:
    for name in ("tolerance", "unit", "feedback"):
        if getattr(item, name) is not None:
            raise _Fault(name, f"only numeric items have `{name}` (a {item.type} item gives feedback per option)")
    ids = [option.id for option in item.options]
    if len(ids) < 2:
        raise _Fault("options", f"a {item.type} item needs at least 2 options, got {len(ids)}")
    for position, option_id in enumerate(ids):
        if option_id in ids[:position]:
            raise _Fault(f"options[{position}].id", f"duplicate option ID '{option_id}'")
    {
        "single_choice": _single_answer,
        "multiple_choice": _multiple_answer,
        "true_false": _true_false_answer,
        "ordering": _ordering_answer,
    }[item.type](item, ids)


def _single_answer(item: Item, ids: list[str]) -> None:
    if not isinstance(item.answer, str) or item.answer not in ids:
        raise _Fault("answer", f"must be one option ID ({', '.join(ids)}), got {item.answer!r}")


def _multiple_answer(item: Item, ids: list[str]) -> None:
    answer = item.answer
    if not isinstance(answer, tuple) or not answer:
        raise _Fault("answer", f"must be a non-empty list of option IDs, got {answer!r}")
    unknown = [a for a in answer if a not in ids]
    if unknown:
        raise _Fault("answer", f"unknown option ID(s) {', '.join(unknown)} (options: {', '.join(ids)})")
    if len(set(answer)) != len(answer):
        raise _Fault("answer", "lists an option twice")


def _true_false_answer(item: Item, ids: list[str]) -> None:
    if sorted(ids) != sorted(TRUE_FALSE_IDS):
        raise _Fault("options", f"a true_false item's options are exactly 'true' and 'false', got {', '.join(ids)}")
    if not isinstance(item.answer, bool):
        raise _Fault("answer", f"a true_false item's answer is true or false, got {item.answer!r}")


def _ordering_answer(item: Item, ids: list[str]) -> None:
    answer = item.answer
    if not isinstance(answer, tuple) or sorted(answer) != sorted(ids):
        raise _Fault("answer", f"must list every option ID once, in the right order ({', '.join(ids)})")
    if list(answer) == ids:
        raise _Fault("options", "the options are already in the answer's order: list them shuffled")


def _check_refs(item: Item, kb: KnowledgeBase) -> None:
    if item.competency not in kb.competencies:
        raise _Fault("competency", f"unknown competency '{item.competency}' (known: {', '.join(kb.competencies)})")
    for position, source in enumerate(item.sources):
        if source not in kb.sources:
            raise _Fault(f"sources[{position}]", f"unknown source '{source}'")


def _check_compute(item: Item) -> None:
    if item.compute is None:
        return
    try:
        value = compute.evaluate(item.compute)
    except ValueError as error:
        raise _Fault("compute", str(error)) from None
    if not compute.agrees(item, value):
        raise _Fault("answer", f"the engine {item.compute.engine} gives {value!r}, but the answer is {item.answer!r}")


def check_item(item: Item, kb: KnowledgeBase) -> None:
    """Raise ``_Fault`` for the first problem with ``item``."""
    if item.type == "numeric":
        _check_numeric(item)
    else:
        _check_choice(item)
    _check_refs(item, kb)
    _check_compute(item)


def check_bank(bank: Bank, name: str, kb: KnowledgeBase) -> None:
    """Raise :class:`QuizError` for the first problem in ``bank`` (shown as ``name``)."""
    prefix = bank.path.name[:2]
    if bank.module != prefix:
        raise QuizError(name, "", "module", f"the file is for module {prefix}, the bank says {bank.module!r}")
    seen: set[str] = set()
    for item in bank.items:
        if item.id in seen:
            raise QuizError(name, item.id, "id", "duplicate item ID")
        seen.add(item.id)
        try:
            check_item(item, kb)
        except _Fault as fault:
            raise QuizError(name, item.id, fault.field, fault.message) from None
