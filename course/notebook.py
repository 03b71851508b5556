"""What a module notebook shows from the knowledge base, one call per view.

Notebooks type no medical fact: every statement on the page comes through these
functions (or the widgets), which take it from the knowledge base with its
evidence label and sources. Each function returns an ``IPython.display.HTML``,
so a call at the end of a cell displays it. ``objectives`` opens a module and
``references`` closes it with every source cited since.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from IPython.display import HTML

from course import depth, knowledge, syllabus
from course.knowledge import LABEL_NAMES, schema
from course.triage import window_text
from course.widgets import render
from course.widgets.depth_explorer import scheme_range
from course.widgets.indications import roles_cell


# --- opening and closing a module --------------------------------------------
def objectives(module_id: str) -> HTML:
    """The module's learning objectives, tagged with competency IDs.

    Also starts the module's reference list. (The disclaimer is in the notebook's
    title cell, written there from ``course.DISCLAIMER`` by ``course.narrative``.)
    """
    render.forget_citations()
    kb = knowledge.load()
    items = []
    for objective in syllabus.module(module_id).objectives:
        tag = ""
        if objective.competency:
            competency = kb.competencies[objective.competency]
            tag = f' <code title="{render.text(competency.name)}">{render.text(competency.id)}</code>'
        items.append(f"<li>{render.text(objective.text)}{tag}</li>")
    competencies = "".join(
        f"<li><code>{render.text(c)}</code>: {render.text(kb.competencies[c].name)} "
        f"(pass mark {kb.competencies[c].pass_mark:.0%})</li>"
        for c in syllabus.competencies(module_id)
    )
    builds = f"<p>This module builds the competency:</p><ul>{competencies}</ul>" if competencies else ""
    return HTML(f"<h2>Learning objectives</h2><ul>{''.join(items)}</ul>{builds}")


def references() -> HTML:
    """Every source cited in this module so far, with its full reference."""
    return HTML("<h2>Sources cited in this module</h2>" + render.reference_list(render.cited()))


def course_map() -> HTML:
    """The modules, their notebooks and the competencies they build."""
    kb = knowledge.load()
    rows = [
        (render.text(m.id), render.text(m.title), f"<code>{render.text(m.notebook)}</code>",
         render.text(", ".join(f"{c} (pass mark {kb.competencies[c].pass_mark:.0%})"
                               for c in syllabus.competencies(m.id)) or "orientation"))
        for m in syllabus.modules()
    ]
    return HTML(render.table(("Module", "Title", "Notebook", "Competency"), rows))


def evidence_labels() -> HTML:
    """The evidence labels every fact carries, as they appear on the page."""
    return HTML(" ".join(render.label(label) for label in LABEL_NAMES))


# --- generic views ---------------------------------------------------------------
def facts(items: Iterable[schema.Fact], caption: str = "") -> HTML:
    """Facts as a table of statement, evidence label and sources."""
    return HTML(render.facts_table(items, caption))


def entries(items: Iterable[schema.Entry], caption: str = "") -> HTML:
    """Named entries (roles, methods, devices, cocktail types) with their sources."""
    return HTML(render.entries_table(items, caption))


def disputes(ids: Iterable[str] | None = None) -> HTML:
    """The seeds' contradictions (all, or those with ``ids``): each source's position side
    by side, then what the course teaches."""
    known = {d.id: d for d in knowledge.load().disputes.disputes}
    chosen = [known[i] for i in ids] if ids is not None else list(known.values())
    return HTML("".join(render.dispute_table(d) for d in chosen))


# --- module views ------------------------------------------------------------
def indications() -> HTML:
    """Each claimed indication with its areas, who claims it, the roles the course pairs
    with it (and on what basis) and its evidence."""
    kb = knowledge.load()
    rows = [
        (render.text(i.name), render.text(", ".join(kb.areas[a].name for a in i.areas)),
         f"{render.label(i.label)} {render.citation(i.sources)}{render.reason(i)}", roles_cell(i),
         render.fact_list(i.evidence) or "no evidence entry")
        for i in kb.indications.values()
    ]
    return HTML(render.table(("Indication", "Areas", "Claimed by", "Roles a cocktail should cover", "Evidence"), rows))


def _regulation(rule: schema.Regulation) -> str:
    return render.fact(f"{rule.jurisdiction} ({rule.status}): {rule.text}", rule.sources, rule.label)


def ingredients() -> HTML:
    """Each ingredient with its roles, evidence, cautions and regulatory status."""
    kb = knowledge.load()
    rows = [
        (render.text(i.name), render.text(", ".join(kb.roles[r].name for r in i.roles) or "none stated by a source")
         + " " + render.citation(i.role_sources), render.fact_list(i.evidence), render.fact_list(i.cautions) or "none",
         "".join(f"<p>{_regulation(r)}</p>" for r in i.regulatory) or "none")
        for i in kb.ingredients.values()
    ]
    return HTML(render.table(("Ingredient", "Claimed roles", "Evidence", "Cautions", "Regulatory"), rows))


def _figure(figure: schema.LayerFigure | None) -> str:
    if figure is None:
        return "—"
    if figure.range_mm is None:
        return f"no reliable figure: {render.fact(figure.no_reliable_figure or '', figure.sources, figure.label)}"
    low, high = figure.range_mm
    value = f"{low:g} mm" if low == high else f"{low:g}–{high:g} mm"
    note = f" ({figure.note})" if figure.note else ""
    return render.fact(value + note, figure.sources, figure.label)


def _site_figure(area: schema.Area, layer: schema.LayerName) -> str:
    """The area's own figure for ``layer``, or the one it inherits, saying from where."""
    if layer in area.layers or not area.parent:
        return _figure(area.layers.get(layer))
    inherited = depth.layer_figures(area.id).get(layer)
    parent = knowledge.load().areas[area.parent].name
    return f"as the {render.text(parent.lower())}: {_figure(inherited)}" if inherited else "—"


def layers() -> HTML:
    """Layer thicknesses per area as the sources give them, or why there is no figure; a
    finer site shows its own measurement where a source made one, else its parent's range."""
    kb = knowledge.load()
    rows = []
    for area in kb.areas.values():
        name = render.text(area.name) + (f" (part of {render.text(kb.areas[area.parent].name)})" if area.parent else "")
        if not area.layers:
            reason = area.no_reliable_figure or "figures as for the whole area"
            rows.append((name, f"no reliable figure: {render.text(reason)} {render.citation(area.sources)}", "", ""))
            continue
        figures = depth.layer_figures(area.id)
        skin: schema.LayerName = "epidermis_plus_dermis" if "epidermis_plus_dermis" in figures else "dermis"
        dermis = _site_figure(area, skin)
        if skin == "epidermis_plus_dermis":
            dermis = f"with the epidermis: {dermis}"
        rows.append((name, _site_figure(area, "epidermis"), dermis, _site_figure(area, "subcutaneous_fat")))
    return HTML(render.table(("Area", "Epidermis", "Dermis", "Subcutaneous fat"), rows))


def below_the_fat(area_id: str = "face") -> HTML:
    """What lies under the area's fat and why a tip there is never a target (the statement
    the explorer, quizzes and graded items show wherever a tip may be "deeper")."""
    fact = depth.below_the_fat(area_id)
    if fact is None:
        return HTML(f"<p>The course states nothing about what lies below the fat of {render.text(area_id)}.</p>")
    return HTML(render.box(f"⚠ <b>Below the fat, never a target:</b> {render.fact_of(fact)}", "#fdecea"))


def depth_scheme() -> HTML:
    """The teaching scheme's depth ranges, with every other source's values beside them."""
    rows = []
    for technique in knowledge.load().depth_techniques.values():
        scheme = technique.scheme
        others = "".join(
            f"<li>{render.fact(v.text, [v.source], v.label)}{' <b>(disagrees)</b>' if v.disagrees else ''}</li>"
            for v in technique.other_values
        )
        rows.append((render.text(technique.name), render.fact(scheme_range(technique), scheme.sources, scheme.label),
                     f"<ul>{others}</ul>"))
    return HTML(render.table(("Technique", "Teaching scheme", "Other sources"), rows))


def technique_layers(areas: Iterable[str] = ("face", "face_forehead", "face_chin", "scalp")) -> HTML:
    """For each level of the teaching scheme, the layers its depth band can put the tip in on
    each area (``course.depth.layers_between``), flagged where the level's name points to a
    layer the band does not reach there: a technique's name is not a layer."""
    kb = knowledge.load()
    rows, warnings = [], {}
    for technique in kb.depth_techniques.values():
        scheme = technique.scheme
        bottom = scheme.up_to_mm if scheme.up_to_inclusive else math.nextafter(scheme.up_to_mm, 0.0)
        fact = render.fact(scheme_range(technique), scheme.sources, scheme.label)
        cells = [f"{render.text(technique.name)}<br>{fact}"]
        for area_id in areas:
            try:
                layers = depth.layers_between(scheme.from_mm, bottom, area_id)
            except ValueError:
                cells.append("no reliable figure for part of this band")
                continue
            flag = "" if technique.name_suggests in layers else f" <b>⚠ not the {technique.name_suggests}</b>"
            below = depth.never_a_target(layers, area_id)
            if below is not None:
                warnings[below.text] = below
                flag += " <b>⚠ deeper: never a target</b>"
            cells.append(", ".join(render.text(layer) for layer in layers) + flag)
        rows.append(cells)
    sources = dict.fromkeys(s for area_id in areas for s in _area_sources(area_id))
    header = ("Teaching-scheme level", *(kb.areas[a].name for a in areas))
    return HTML(render.table(header, rows, "Layers each level's depth band can reach, by area")
                + f"<p>Layer figures {render.citation(sources)}: each is a range, so a band may reach two "
                "layers depending on the patient.</p>"
                + "".join(render.box(f"⚠ <b>Deeper: never a target.</b> {render.fact_of(w)}", "#fdecea")
                          for w in warnings.values()))


def _area_sources(area_id: str) -> tuple[str, ...]:
    try:
        return depth.boundaries(area_id).sources
    except ValueError:
        return knowledge.load().areas[area_id].sources


def protocols() -> HTML:
    """Each seed's protocol as its source states it; none is averaged."""
    kb = knowledge.load()
    rows = [
        (f"<code>{render.text(p.id)}</code>", render.text(p.name), render.text(kb.areas[p.area].name),
         render.text(p.session_minutes or "not stated"), f"{render.label(p.label)} {render.citation(p.sources)}")
        for p in kb.protocols.values()
    ]
    table = render.table(("Protocol", "As the source states it", "Area", "Session length", "Source"), rows)
    unscheduled = render.facts_table(kb.unscheduled_claims, "Course lengths stated without a usable schedule")
    return HTML(table + unscheduled)


def _when(rule: schema.Rule) -> str:
    """A rule's test in words."""
    s, when = knowledge.load().screening, rule.when
    conditions = {c.id: c.name for c in s.conditions}
    if when.flag:
        return f"the patient is {when.flag}"
    if when.condition:
        return conditions[when.condition]
    if when.medication:
        test = when.medication
        prescribed = {True: "prescribed ", False: "non-prescribed ", "any": ""}[test.prescribed]
        current = {True: " the patient is still on", False: " the patient has stopped", None: ""}[test.current]
        if test.within_days is None:
            return f"any {prescribed}{' or '.join(test.ids)}{current}, whatever the time since the last dose"
        return f"{prescribed}{' or '.join(test.ids)}{current} taken less than {test.within_days} days ago"
    if when.allergy_in_cocktail:
        return "an allergen is in the cocktail"
    if when.any_in_cocktail:
        names = {i.id: i.name for i in knowledge.load().ingredients.values()}
        return f"the cocktail holds {' or '.join(names[i] for i in when.any_in_cocktail)}"
    ingredient = when.ingredient_in_cocktail
    assert ingredient is not None  # the schema allows exactly one test
    who = [*ingredient.patient_any.flags, *(conditions[c] for c in ingredient.patient_any.conditions)]
    return f"{ingredient.ingredient} in the cocktail and any of: {', '.join(who)}"


def screening_rules() -> HTML:
    """The decisions from least to most severe, then every rule with its test and sources."""
    s = knowledge.load().screening
    decisions = render.table(("Decision", "Meaning"),
                             [(f"<code>{d.id}</code>", render.text(d.text)) for d in s.decisions],
                             "Decisions, least to most severe")
    rules = render.table(
        ("Rule", "Fires when", "Decision", "Explanation", "Evidence", "Sources"),
        [(f"<code>{r.id}</code>", render.text(_when(r)), f"<code>{r.decision}</code>", render.text(r.explanation),
          _provenance(r), render.citation(r.sources)) for r in s.rules],
        "Rules",
    )
    return HTML(decisions + rules)


def _provenance(entry: schema.Rule) -> str:
    """An entry's evidence label, the seeds' own words it rests on, and the course's reason."""
    quotes = "".join(f"<br>“{render.text(quote)}”" for quote in entry.quote)
    reason = f"<br><i>Course policy: {render.text(entry.reason)}</i>" if entry.reason else ""
    return render.label(entry.label) + quotes + reason


def reactions() -> HTML:
    """Reactions grouped by triage level (expected, monitor, urgent), each with when its level holds."""
    complications = knowledge.load().complications
    rows = [
        (f"<b>{render.text(level.id)}</b>: {render.text(level.text)}", render.text(r.name),
         render.text(window_text(r)), render.fact_of(r))
        for level in complications.triage_levels for r in complications.reactions if r.triage == level.id
    ]
    basis = complications.triage_basis
    note = f"<p><b>Where the levels come from:</b> {render.fact_of(basis)}</p>" if basis else ""
    return HTML(render.table(("Triage", "Reaction", "When", "What the sources say"), rows) + note)


def outbreaks() -> HTML:
    """The published outbreaks: place, years, cases, organism, cause and lesson."""
    rows = [
        (render.text(o.place), render.text(o.years), render.text(o.cases), render.text(o.organism),
         render.text(o.cause), render.text(o.lesson), f"{render.label(o.label)} {render.citation(o.sources)}")
        for o in knowledge.load().complications.outbreaks
    ]
    return HTML(render.table(("Place", "When", "Cases", "Organism", "Cause", "Lesson", "Sources"), rows))
