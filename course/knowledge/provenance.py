"""Provenance: a claim cites a seed only with the seed's own words.

A knowledge-base entry whose ``sources`` (or ``source``, or an ingredient's
``role_sources``) name a seed article carries the seed's verbatim words in
``quote`` (``role_quote``): one string or a list of them, ``[...]`` marking an
elision. What the course adds itself is labelled ``course_policy`` and says why in
``reason``. This module finds every such citation in a parsed knowledge-base file,
lists the entries that break the rule without needing the seeds
(:func:`provenance_problems`, enforced on load) and, given the seed texts, checks
each quote against them (:func:`quote_problems`, run by the tests and by
``mesocourse check-knowledge --seeds DIR``).

Matching is exact after :func:`normalise`: whitespace runs collapse to one space and
typographic quotes, apostrophes and dashes become their ASCII forms (the seeds mix
"’" and "'", "–" and "-"). It is case-sensitive: no seed needs otherwise, and a
quote that changes a capital is no longer the seed's words. The segments of a quote
between ``[...]`` must appear in the seed in that order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .consistency import cited, field_path, models
from .errors import KnowledgeError
from .schema import Ingredient, Model, Source

ELISION = "[...]"
# source field -> the field holding the seed's verbatim words for it
QUOTE_FOR = {"sources": "quote", "source": "quote", "role_sources": "role_quote"}
TYPOGRAPHIC = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ",
})


@dataclass(frozen=True)
class Citation:
    """One place that cites seeds: where it is, which seeds it cites and the words it quotes."""

    file: str
    entry: str
    field: str  # the quote field, e.g. "quote", "cautions[0].quote", "role_quote"
    seeds: tuple[str, ...]
    quotes: tuple[str, ...]

    def where(self) -> str:
        return f"{self.file}: entry '{self.entry}', field '{self.field}'"


def normalise(text: str) -> str:
    """Text with typographic quotes and dashes made plain and whitespace collapsed."""
    return re.sub(r"\s+", " ", text.translate(TYPOGRAPHIC)).strip()


def segments(quote: str) -> list[str]:
    """The quoted stretches of ``quote`` (what lies between its ``[...]`` elisions)."""
    return [part for part in (normalise(piece) for piece in quote.split(ELISION)) if part]


def found_in(quote: str, text: str) -> bool:
    """Whether every segment of ``quote`` appears in ``text``, in order (after normalising both)."""
    haystack, start = normalise(text), 0
    for part in segments(quote):
        position = haystack.find(part, start)
        if position < 0:
            return False
        start = position + len(part)
    return bool(segments(quote))


def citations(file: str, content: Model, seeds: Iterable[str]) -> Iterator[Citation]:
    """Every place in a parsed file that cites a seed or gives a quote."""
    seeds = set(seeds)
    for entry, path, model in models(content):
        fields = type(model).model_fields
        for source_key, quote_key in QUOTE_FOR.items():
            if source_key not in fields:
                continue
            value = getattr(model, source_key)
            quotes = tuple(getattr(model, quote_key, ()) if quote_key in fields else ())
            named = tuple(s for s in cited(value) if s in seeds) if value is not None else ()
            if named or quotes:
                yield Citation(file, entry, field_path(path, quote_key), named, quotes)


def provenance_problems(file: str, content: Model, seeds: Iterable[str]) -> list[KnowledgeError]:
    """Entries that cite a seed without its verbatim words, or that are course policy
    without a reason (the medical content rules: a seed is cited only with a quote; what
    the course adds itself says why)."""
    problems = []
    for entry, path, model in models(content):
        if getattr(model, "label", None) == "course_policy" and not getattr(model, "reason", "").strip():
            problems.append(KnowledgeError(file, entry, field_path(path, "reason"),
                                           "a `course_policy` entry needs a `reason`"))
    for citation in citations(file, content, seeds):
        if citation.seeds and not citation.quotes:
            key = citation.field.rsplit(".", 1)[-1]
            problems.append(KnowledgeError(
                file, citation.entry, citation.field,
                f"cites {', '.join(citation.seeds)} but gives no verbatim `{key}:` from it"))
    return problems


def label_problems(file: str, content: Model, labels: Mapping[str, str]) -> list[KnowledgeError]:
    """Entries whose evidence label is not the label of the sources they cite (one label per
    source: the HAS is `regulatory` wherever it is cited, never `published_study`).

    ``labels`` maps each source ID to its label in ``sources.yaml``. A ``course_policy``
    entry is the course's own reading and may cite any source; a ``seed_claim`` entry must
    cite a seed (the seed's words are its basis; it may cite references beside them); any
    other label must be the label of every reference the entry cites. A statement from
    sources with different labels is split, one statement per label, or is course policy.
    """
    problems = []
    for entry, path, model in models(content):
        label = getattr(model, "label", None)
        if label is None or label == "course_policy":
            continue
        for key in ("sources", "source"):
            if key not in type(model).model_fields or getattr(model, key) is None:
                continue
            cited_ids = cited(getattr(model, key))
            others = sorted({f"{s} ({labels[s]})" for s in cited_ids
                             if labels.get(s, label) not in (label, "seed_claim")})
            if label == "seed_claim" and not any(labels.get(s) == "seed_claim" for s in cited_ids):
                problems.append(KnowledgeError(file, entry, field_path(path, "label"),
                                               "a `seed_claim` must cite a seed"))
            elif label != "seed_claim" and others:
                problems.append(KnowledgeError(
                    file, entry, field_path(path, "label"),
                    f"is `{label}` but cites {', '.join(others)}: one label per source; split the statement "
                    "by source, or make it `course_policy` with a `reason`"))
    return problems


PRONOUNS = ("it ", "its ", "they ", "their ")


def role_problems(ingredient: Ingredient) -> list[KnowledgeError]:
    """Role quotes of ``ingredient`` with a sentence that does not name it: a claim a seed
    makes for the procedure or the mixture as a whole ("The procedure aims to nourish")
    gives no ingredient a role.

    Each sentence of each quote (its ``[...]`` segments read in order) must name the
    ingredient (its name without the bracketed part, or a ``named_as`` word), or begin with
    "it", "its", "they" or "their" right after a sentence that does.
    """
    if not ingredient.roles:
        return []
    names = [re.sub(r"\s*\(.*?\)", "", ingredient.name).lower(), *(n.lower() for n in ingredient.named_as)]
    problems = []
    for quote in ingredient.role_quote:
        previous = False
        for sentence in re.split(r"(?<=[.!?])\s+", " ".join(segments(quote))):
            lowered = sentence.lower()
            previous = any(name in lowered for name in names) or (previous and lowered.startswith(PRONOUNS))
            if not previous:
                problems.append(KnowledgeError(
                    "ingredients.yaml", ingredient.id, "role_quote",
                    f"{sentence!r} does not name {ingredient.name}: a claim for the procedure or the mixture "
                    "as a whole gives no ingredient a role (quote the seed's words about this ingredient, "
                    "or add the seed's word for it to `named_as`)"))
                break
    return problems


def quote_problems(citation: Citation, seed_texts: Mapping[str, str]) -> list[str]:
    """What is wrong with one citation's quotes against the seed texts (empty if nothing).

    Each quote must be found in one of the seeds the entry cites, and each cited seed
    must be backed by at least one of the entry's quotes.
    """
    if not citation.seeds:
        return [f"{citation.where()}: gives a quote but cites no seed"]
    problems = []
    backed: set[str] = set()
    for quote in citation.quotes:
        homes = [seed for seed in citation.seeds if found_in(quote, seed_texts[seed])]
        if not homes:
            problems.append(f"{citation.where()}: {quote!r} is not in {' or '.join(citation.seeds)}")
        backed.update(homes)
    for seed in citation.seeds:
        if seed not in backed and citation.quotes:
            problems.append(f"{citation.where()}: cites {seed} but none of its quotes is from {seed}")
    return problems


def read_seeds(folder: Path, sources: Iterable[Source]) -> dict[str, str]:
    """Each seed source's text, read from its file in ``folder`` (the shared seeds)."""
    return {s.id: (folder / s.file).read_text(encoding="utf-8") for s in sources if s.kind == "seed" and s.file}


def all_quote_problems(files: Mapping[str, Model], seed_texts: Mapping[str, str]) -> list[str]:
    """Every quote problem in every file (parsed content by file name) against the seed texts."""
    return [problem for name, content in files.items()
            for citation in citations(name, content, seed_texts)
            for problem in quote_problems(citation, seed_texts)]
