"""Seed provenance of the engines' knowledge-base files (screening, areas, techniques).

Every entry that cites a seed carries ``quote:``; each piece of each quote (split at
``[...]``) appears verbatim in one of the seeds the entry cites, and each cited seed is
backed by at least one of the entry's quotes. The seeds live beside the project
(``../shared/seeds``): outside CI the check skips, saying why, when they are missing;
under ``CI=true`` it fails.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from course import knowledge
from course.knowledge import _parse, schema
from course.knowledge.consistency import QUOTE_FOR, _models, provenance_problems

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
FILES = ("screening.yaml", "areas.yaml", "techniques.yaml")


def norm(text: str) -> str:
    """Whitespace collapsed, typographic apostrophes, quotes and dashes made plain; case kept."""
    plain = text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                                          "\u2013": "-", "\u2014": "-", "\u00a0": " "}))
    return re.sub(r"\s+", " ", plain).strip()


@pytest.fixture(scope="module")
def seed_texts() -> dict[str, str]:
    if not SEEDS.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but the seeds folder is missing: {SEEDS}")
        pytest.skip(f"no seeds folder at {SEEDS} (the quote check needs ../shared/seeds)")
    kb = knowledge.load()
    return {s.id: norm((SEEDS / s.file).read_text(encoding="utf-8")) for s in kb.sources.values() if s.kind == "seed"}


def found_in(quote: str, text: str) -> bool:
    """Every stretch of ``quote`` between its ``[...]`` elisions appears in ``text``, in order, case-sensitive."""
    start = 0
    pieces = [norm(piece) for piece in quote.split("[...]") if norm(piece)]
    for piece in pieces:
        position = text.find(piece, start)
        if position < 0:
            return False
        start = position + len(piece)
    return bool(pieces)


@pytest.mark.parametrize("file", FILES)
def test_every_seed_citation_has_a_quote(file):
    seeds = {s.id for s in knowledge.load().sources.values() if s.kind == "seed"}
    assert provenance_problems(file, _parse(knowledge.DATA_DIR, file, schema.FILES[file]), seeds) == []


@pytest.mark.parametrize("file", FILES)
def test_quotes_are_verbatim_and_back_each_cited_seed(file, seed_texts):
    content = _parse(knowledge.DATA_DIR, file, schema.FILES[file])
    checked = 0
    for entry, path, model in _models(content, "", ""):
        for source_key, quote_key in QUOTE_FOR.items():
            cited = getattr(model, source_key, None)
            cited = [s for s in ((cited,) if isinstance(cited, str) else cited or ()) if s in seed_texts]
            quotes = getattr(model, quote_key, ())
            if not cited:
                continue
            where = f"{file}: {entry} {path}"
            for quote in quotes:
                assert any(found_in(quote, seed_texts[s]) for s in cited), f"{where}: {quote!r} is in none of {cited}"
            for seed in cited:
                assert any(found_in(quote, seed_texts[seed]) for quote in quotes), f"{where}: no quote from {seed}"
            checked += 1
    assert checked or file == "areas.yaml"


def test_the_quote_check_catches_a_paraphrase(seed_texts):
    assert found_in("avoid taking aspirin for at least 2 weeks", seed_texts["seed_004"])
    assert not found_in("avoid aspirin and NSAIDs for at least 2 weeks", seed_texts["seed_004"])
    assert not found_in("Avoid taking aspirin for at least 2 weeks", seed_texts["seed_004"])  # a changed capital
    assert not found_in("people with autoimmune diseases [...] Mesotherapy is not recommended for:", seed_texts["seed_000"])
    assert found_in("Mesotherapy is not recommended for: [...] people with autoimmune diseases", seed_texts["seed_000"])
