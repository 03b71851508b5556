"""Finding and reading quiz banks: ``quizzes/NN_slug.yaml``, validated on load.

The bank folder is the repository's ``quizzes/`` (found relative to the package),
or ``$MESOCOURSE_QUIZZES``. Banks are read on every call, so an edited bank or a
changed folder is seen at once.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from course import depth, knowledge
from course.knowledge.errors import validation_error
from course.paths import QUIZZES

from .bank import Bank, BankFile, QuizError
from .checks import check_bank

BANK_GLOB = "[0-9][0-9]_*.yaml"
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is there
KB_REFERENCE = re.compile(r"\{kb:([^:}]*):?([^}]*)\}")


def quizzes_dir() -> Path:
    """The bank folder: ``$MESOCOURSE_QUIZZES`` or the repository's ``quizzes/``."""
    configured = os.environ.get("MESOCOURSE_QUIZZES")
    return Path(configured) if configured else QUIZZES


def shown(path: Path) -> str:
    """A path as an author reads it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _knowledge_text(name: str, argument: str) -> str:
    """The knowledge-base text a ``{kb:name:argument}`` reference stands for, as plain text."""
    if name != "below_the_fat" or not argument:
        raise ValueError(f"unknown knowledge reference '{{kb:{name}}}' (known: {{kb:below_the_fat:<area>}})")
    fact = depth.below_the_fat(argument)
    if fact is None:
        raise ValueError(f"area '{argument}' states nothing below its fat")
    return knowledge.load().sentence(fact)


def _expand(value: Any, where: str, file: str, item: str) -> Any:
    """``value`` with every ``{kb:...}`` reference in its strings replaced by the knowledge
    base's text, so a bank quotes a fact without typing it twice."""
    if isinstance(value, str):
        try:
            return KB_REFERENCE.sub(lambda m: _knowledge_text(m.group(1), m.group(2)), value)
        except ValueError as error:
            raise QuizError(file, item, where, str(error)) from None
    if isinstance(value, dict):
        return {key: _expand(v, f"{where}.{key}" if where else str(key), file, item) for key, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, f"{where}[{position}]", file, item) for position, v in enumerate(value)]
    return value


def parse_bank(path: Path) -> Bank:
    """Read and validate one bank file against its shape and the knowledge base; a
    ``{kb:below_the_fat:<area>}`` in an item's text becomes the knowledge base's statement."""
    name = shown(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except yaml.YAMLError as error:
        raise QuizError(name, "", "", f"not valid YAML: {error}") from None
    if isinstance(raw, dict) and isinstance(raw.get("items"), list):
        raw["items"] = [_expand(item, "", name, str(item.get("id", ""))) if isinstance(item, dict) else item
                        for item in raw["items"]]
    try:
        parsed = BankFile.model_validate(raw)
    except ValidationError as error:
        raise validation_error(name, raw, error, QuizError) from None
    bank = Bank(parsed.module, parsed.title, parsed.items, path)
    check_bank(bank, name, knowledge.load())
    return bank


def _module_id(module: str | int) -> str:
    text = str(module).strip()
    if not text.isdigit() or not 1 <= int(text) <= 99:
        raise ValueError(f"a module is a number such as '04', got {module!r}")
    return f"{int(text):02d}"


def load_bank(module: str | int) -> Bank:
    """The validated bank of ``module`` (e.g. ``"04"``) from :func:`quizzes_dir`."""
    number, folder = _module_id(module), quizzes_dir()
    matches = sorted(folder.glob(f"{number}_*.yaml"))
    if len(matches) != 1:
        found = ", ".join(p.name for p in matches) or "none"
        raise QuizError(shown(folder), "", "",
                        f"expected one bank file {number}_*.yaml for module {number}, found {found}")
    return parse_bank(matches[0])


def all_banks() -> tuple[Bank, ...]:
    """Every bank in :func:`quizzes_dir`, validated; item IDs are unique across banks."""
    folder = quizzes_dir()
    if not folder.is_dir():
        raise QuizError(shown(folder), "", "", "the quiz bank folder does not exist")
    banks = tuple(parse_bank(path) for path in sorted(folder.glob(BANK_GLOB)))
    seen: dict[str, str] = {}
    for bank in banks:
        for item in bank.items:
            if item.id in seen:
                raise QuizError(shown(bank.path), item.id, "id", f"duplicate item ID, also in {seen[item.id]}")
            seen[item.id] = bank.path.name
    return banks


def sources_note(bank: Bank) -> str:
    """One line listing the bank's sources, for the end of a notebook."""
    return f"Quiz sources (module {bank.module}): {knowledge.load().cite(bank.sources)}."
