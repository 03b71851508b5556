"""Module 02: what the sources claim mesotherapy treats in each body area.

For the chosen area: the indications the knowledge base lists there, the
ingredient roles the course pairs with each (and on what basis), and the evidence.
"""

from __future__ import annotations

import ipywidgets as widgets

from course import knowledge
from course.knowledge import schema
from course.widgets import render
from course.widgets.base import WIDE, View


def roles_cell(indication: schema.Indication) -> str:
    """The roles the course pairs with an indication, and where that pairing comes from."""
    kb = knowledge.load()
    if not indication.roles or indication.roles_basis is None:
        return "none: no source says which roles are needed"
    names = render.text(", ".join(kb.roles[r].name for r in indication.roles))
    return f"{names}<br>{render.fact_of(indication.roles_basis)}"


def area_html(area_id: str) -> str:
    """The indications listed for an area, with roles, evidence and sources."""
    kb = knowledge.load()
    rows = [
        (render.text(i.name), roles_cell(i), f"{render.label(i.label)} {render.citation(i.sources)}{render.reason(i)}",
         render.fact_list(i.evidence) or "no evidence entry")
        for i in kb.indications.values() if area_id in i.areas
    ]
    if not rows:
        return "<p>The knowledge base lists no indication for this area.</p>"
    return render.table(("Indication", "Ingredient roles the course pairs with it", "Claimed by", "Evidence"), rows)


class AreaExplorer(View):
    """Choose a body area: what is mesotherapy claimed to treat there, and on what evidence?"""

    def __init__(self) -> None:
        kb = knowledge.load()
        self.area = widgets.Dropdown(options=[(a.name, a.id) for a in kb.areas.values() if not a.parent],
                                     description="Body area", style=WIDE)
        self.indications = widgets.HTML()
        self.area.observe(self.update, names="value")
        self.root = widgets.VBox([self.area, self.indications])
        self.update()

    def update(self, _change: object = None) -> None:
        self.indications.value = area_html(self.area.value)
