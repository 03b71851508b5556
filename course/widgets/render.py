"""Knowledge-base facts as HTML: statements with their evidence label and sources.

Notebooks and widgets show facts only through these functions, so every fact on
screen carries its evidence label and its citations, and every source cited in a
kernel is remembered for the module's closing reference list (:func:`cited`).
All text is HTML-escaped here; callers pass plain text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from course import knowledge
from course.knowledge import LABEL_NAMES, schema

# Background colours of the evidence-label badges (presentation only).
LABEL_COLOURS = {
    "seed_claim": "#fde2c4",
    "practice_guidance": "#d6e6fb",
    "published_study": "#d4f1d4",
    "regulatory": "#eadcf7",
    "course_policy": "#eeeeee",
}
# tables fit the width they are given (a table wider than a notebook's output would make a
# scrolling region the keyboard cannot reach): columns wrap, long identifiers break anywhere
TABLE_STYLE = "border-collapse:collapse;margin:0.5em 0;text-align:left;table-layout:auto;max-width:100%"
CELL_STYLE = "border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left;overflow-wrap:anywhere"

_cited: dict[str, None] = {}  # source IDs cited in this process, in order of first citation


def text(value: object) -> str:
    """Plain text, escaped for HTML."""
    return escape(str(value))


def short_name(source_id: str) -> str:
    """How a source is cited inline: "seed 000" for a seed, its ID otherwise."""
    source = knowledge.load().sources[source_id]
    return f"seed {source.file[:3]}" if source.kind == "seed" and source.file else source.id


def citation(source_ids: Iterable[str]) -> str:
    """Inline citations, e.g. "[seed 000; has_2014]"; the full title shows on hover."""
    kb = knowledge.load()
    parts = []
    for source_id in source_ids:
        source = kb.sources[source_id]  # an unknown ID raises, naming it
        _cited.setdefault(source_id, None)
        title = f"{source.title} ({source.citation})" if source.citation else source.title
        parts.append(f'<span title="{text(title)}">{text(short_name(source_id))}</span>')
    return f"[{'; '.join(parts)}]" if parts else ""


def label(label_id: str) -> str:
    """The evidence label as a coloured badge, e.g. "published study"."""
    colour = LABEL_COLOURS[label_id]
    return (
        f'<span style="background:{colour};border-radius:3px;padding:0 4px;'
        f'font-size:85%;white-space:nowrap">{text(LABEL_NAMES[label_id])}</span>'
    )


def fact(statement: str, sources: Iterable[str], label_id: str) -> str:
    """One statement followed by its evidence label and citations."""
    return f"{text(statement)} {label(label_id)} {citation(sources)}"


def fact_of(item: schema.Fact) -> str:
    """:func:`fact` for a knowledge-base ``Fact`` (or any entry with text, sources, label),
    followed by the course's reason when the course adds the claim itself."""
    return fact(item.text, item.sources, item.label) + reason(item)


def reason(item: schema.Cited) -> str:
    """Why the course adds a claim itself (its ``reason``), or "" when it has none."""
    return f' <i>Why the course says so: {text(item.reason)}</i>' if item.reason else ""


def quotes(item: schema.Cited) -> str:
    """The source's own words (an entry's ``quote``), each in quotation marks; "" if none."""
    return " ".join(f"\u201c{text(q)}\u201d" for q in item.quote)


def fact_list(items: Iterable[schema.Fact]) -> str:
    """Facts as a bulleted list (empty when there are none)."""
    rows = "".join(f"<li>{fact_of(item)}</li>" for item in items)
    return f"<ul>{rows}</ul>" if rows else ""


def _cell(cell: str, row_header: bool) -> str:
    tag = 'th scope="row"' if row_header else "td"
    return f'<{tag} style="{CELL_STYLE}">{cell}</{tag.split()[0]}>'


def table(header: Sequence[str], rows: Iterable[Sequence[str]], caption: str = "") -> str:
    """An HTML table; ``header`` (plain text) names the columns, cells are HTML already.
    Without a header, the first cell of each row heads the row (a list of name: value)."""
    head = "".join(f'<th scope="col" style="{CELL_STYLE}">{text(name)}</th>' for name in header)
    head = f"<thead><tr>{head}</tr></thead>" if head else ""
    body = "".join(
        "<tr>" + "".join(_cell(cell, not header and i == 0) for i, cell in enumerate(row)) + "</tr>" for row in rows
    )
    title = f'<caption style="text-align:left;font-weight:bold">{text(caption)}</caption>' if caption else ""
    return f'<table style="{TABLE_STYLE}">{title}{head}<tbody>{body}</tbody></table>'


def facts_table(items: Iterable[schema.Fact], caption: str = "") -> str:
    """Facts as rows of statement (with the course's reason where it adds the claim),
    evidence label and sources."""
    rows = [(text(item.text) + reason(item), label(item.label), citation(item.sources)) for item in items]
    return table(("Statement", "Evidence", "Sources"), rows, caption)


def entries_table(items: Iterable[schema.Entry], caption: str = "") -> str:
    """Named entries (methods, devices, roles, ...) as rows of name, text, label and sources."""
    rows = [(text(item.name or item.id), text(item.text) + reason(item), label(item.label), citation(item.sources))
            for item in items]
    return table(("Name", "What the source says", "Evidence", "Sources"), rows, caption)


def positions_table(dispute: schema.Dispute) -> str:
    """One dispute's positions, each source's value side by side with its own words."""
    rows = [(citation([p.source]), text(p.value), quotes(p) or "<i>(published source: see its reference)</i>",
             label(p.label)) for p in dispute.positions]
    return table(("Source", "Says", "In its own words", "Evidence"), rows, dispute.question)


def verdict(dispute: schema.Dispute) -> str:
    """What the course teaches about a dispute, with its own sources."""
    return f"<p><b>What the course teaches:</b> {fact_of(dispute.verdict)}</p>"


def dispute_table(dispute: schema.Dispute) -> str:
    """One dispute: each source's position side by side, then what the course teaches."""
    return positions_table(dispute) + verdict(dispute)


def box(html: str, colour: str = "#f5f5f5") -> str:
    """A shaded block, e.g. for a warning or a disclaimer."""
    return f'<div style="background:{colour};border-left:4px solid #888;padding:6px 10px;margin:6px 0">{html}</div>'


def live(html: str) -> str:
    """``html`` in a polite live region: a screen reader announces it when it appears or
    changes, without moving the focus (a decision, a quiz's feedback)."""
    return f'<div role="status" aria-live="polite">{html}</div>'


def cited() -> tuple[str, ...]:
    """Source IDs cited so far in this process, in order of first citation."""
    return tuple(_cited)


def forget_citations() -> None:
    """Start a new reference list (at the top of each module)."""
    _cited.clear()


def reference_list(source_ids: Iterable[str]) -> str:
    """A bibliography: inline name, title, citation and the source's default label."""
    kb = knowledge.load()
    rows = []
    for source_id in source_ids:
        source = kb.sources[source_id]
        rows.append((text(short_name(source_id)), text(source.title), text(source.citation or source.file or ""),
                     label(source.label)))
    return table(("Cited as", "Title", "Reference", "Kind of source"), rows)
