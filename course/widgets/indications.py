"""Module 02: what the sources claim mesotherapy treats in each body area.

For the chosen area: the indications the knowledge base lists there, the
ingredient roles the sources pair with each, and the evidence for it.
"""

from __future__ import annotations

import ipywidgets as widgets

from course import knowledge
from course.widgets import render
from course.widgets.base import WIDE, View


def area_html(area_id: str) -> str:
    """The indications listed for an area, with roles, evidence and sources."""
    kb = knowledge.load()
    rows = [
        (render.text(i.name), render.text(", ".join(kb.roles[r].name for r in i.roles) or "none listed"),
         f"{render.label(i.label)} {render.citation(i.sources)}", render.fact_list(i.evidence) or "no evidence entry")
        for i in kb.indications.values() if area_id in i.areas
    ]
    if not rows:
        return "<p>The knowledge base lists no indication for this area.</p>"
    return render.table(("Indication", "Ingredient roles paired with it", "Claimed by", "Evidence"), rows)


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
