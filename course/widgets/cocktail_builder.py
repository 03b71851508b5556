"""Module 03: the cocktail builder.

Choose an indication and ingredients: roles covered and missing, cautions and
regulatory flags come from ``course.cocktail.check_cocktail``. Add a patient:
``course.cocktail.check_for_patient`` says which planned ingredients are
excluded and what screening decides for this cocktail.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets

from course import knowledge
from course.cocktail import CocktailCheck, Flag, PatientCocktailCheck, check_cocktail, check_for_patient, roles_of
from course.widgets import render
from course.widgets.base import WIDE, View
from course.widgets.patient import PatientForm, ingredient_options
from course.widgets.screening_intake import decision_text, names, reasons_table


def roles_html(check: CocktailCheck, cocktail: Sequence[str]) -> str:
    """The indication's roles, each covered (by which ingredients) or missing."""
    kb = knowledge.load()
    indication = kb.indications[check.indication]
    covered_by = roles_of(cocktail)
    rows = []
    for role_id in check.roles_needed:
        status = (f"covered by {render.text(names(covered_by[role_id]))}" if role_id in check.roles_covered
                  else "<b>missing</b>")
        rows.append((render.text(kb.roles[role_id].name), status, render.fact_of(kb.roles[role_id])))
    basis = indication.roles_basis
    source = f"<p>Where these roles come from: {render.fact_of(basis)}</p>" if basis else ""
    if not rows:
        return "<p>The course pairs no ingredient roles with this indication: no source says which are needed.</p>"
    caption = f"Roles the course pairs with “{indication.name}”"
    return render.table(("Role", "In this cocktail", "What the role is claimed to do"), rows, caption) + source


def flags_html(title: str, flags: Sequence[Flag], none: str) -> str:
    """Cautions or regulatory flags, each under its ingredient's name."""
    kb = knowledge.load()
    items = "".join(
        f"<li><b>{render.text(kb.ingredients[f.ingredient].name)}</b>: {render.fact(f.text, f.sources, f.label)}</li>"
        for f in flags
    )
    return f"<h3>{render.text(title)}</h3>" + (f"<ul>{items}</ul>" if items else f"<p>{render.text(none)}</p>")


def patient_html(check: PatientCocktailCheck) -> str:
    """What the patient changes: excluded ingredients and the screening decision."""
    return (
        "<h3>For this patient</h3>"
        f"<p><b>Excluded from the planned cocktail:</b> {render.text(names(check.excluded_in_cocktail))}; "
        f"<b>what remains:</b> {render.text(names(check.safe_cocktail))}</p>"
        f"<p><b>Screening for this cocktail:</b> {render.text(decision_text(check.screening))}</p>"
        + reasons_table(check.screening.explanations)
    )


class CocktailBuilder(View):
    """Indication and ingredients in, roles, cautions, flags (and patient exclusions) out."""

    def __init__(self) -> None:
        kb = knowledge.load()
        self.indication = widgets.Dropdown(
            options=[(i.name, i.id) for i in kb.indications.values()], description="Indication", style=WIDE,
            layout=widgets.Layout(width="560px"),
        )
        self.ingredients = widgets.SelectMultiple(
            options=ingredient_options(), description="Ingredients", style=WIDE,
            rows=10, layout=widgets.Layout(width="560px"),
        )
        self.add_patient = widgets.Checkbox(description="Add a patient", style=WIDE)
        self.patient = PatientForm(medications=False)
        self.result = widgets.HTML()
        self.check: CocktailCheck | PatientCocktailCheck | None = None
        for control in (self.indication, self.ingredients, self.add_patient):
            control.observe(self.update, names="value")
        self.patient.on_change(self.update)
        self.root = widgets.VBox([self.indication, self.ingredients, self.add_patient, self.patient.root, self.result])
        self.update()

    def update(self, _change: object = None) -> None:
        """Re-check the cocktail (and the patient, if added) and show the result."""
        cocktail = list(self.ingredients.value)
        self.patient.root.layout.display = None if self.add_patient.value else "none"
        if self.add_patient.value:
            self.check = check_for_patient(self.indication.value, cocktail, self.patient.patient())
            basic, extra = self.check.cocktail, patient_html(self.check)
        else:
            self.check = basic = check_cocktail(self.indication.value, cocktail)
            extra = ""
        hint = "" if cocktail else "<p><i>Choose ingredients (Ctrl- or Cmd-click for several).</i></p>"
        self.result.value = (
            hint + roles_html(basic, cocktail)
            + flags_html("Cautions", basic.cautions, "No cautions for the chosen ingredients.")
            + flags_html("Regulatory flags", basic.regulatory_flags, "No regulatory flags for the chosen ingredients.")
            + extra
        )
