"""The synthetic patient's intake controls, shared by the cocktail builder and the intake form.

The form only collects answers; it builds the mapping ``course.screening.screen``
takes (keys fixed by the screening contract) and never decides anything. The
conditions, allergens and medications offered are the knowledge base's IDs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from course import knowledge
from course.widgets.base import WIDE, View


def ingredient_options() -> list[tuple[str, str]]:
    """(name, ID) of every ingredient in the knowledge base, for a selection control."""
    return [(i.name, i.id) for i in knowledge.load().ingredients.values()]


def days_label(medication: str) -> str:
    """The label of a medication's number box, e.g. "Days since last dose of aspirin"."""
    return f"Days since last dose of {medication}"


def current_label(medication: str) -> str:
    """The label of a medication's "still on it" box, e.g. "Still on immunosuppressant treatment"."""
    return f"Still on {medication} treatment"


class MedicationRow:
    """One medication: taken or not, days since the last dose, prescribed or not, and whether the
    patient is still on the treatment (``current``: a weekly medicine taken 5 days ago is). The
    current box follows the days as the contract's default does (ticked for a dose today) until
    the user sets it.

    Each control names the medication, so no two controls of the form share a name
    (a screen reader reaching a box by Tab hears which medication it is for)."""

    def __init__(self, medication_id: str, name: str) -> None:
        self.id = medication_id
        self.taking = widgets.Checkbox(description=name, style=WIDE, layout=widgets.Layout(width="380px"))
        self.days = widgets.BoundedIntText(value=0, min=0, max=3650, description=days_label(name), style=WIDE,
                                           layout=widgets.Layout(width="auto"))
        self.prescribed = widgets.Checkbox(description=f"{name} is prescribed", style=WIDE, indent=False,
                                           layout=widgets.Layout(width="auto"))
        self.current = widgets.Checkbox(value=True, description=current_label(name), style=WIDE, indent=False,
                                        layout=widgets.Layout(width="auto"))
        self.days.observe(self._default_current, names="value")
        # the labels are long: the row wraps rather than squeezing the number box
        self.root = widgets.HBox([self.taking, self.days, self.prescribed, self.current],
                                 layout=widgets.Layout(flex_flow="row wrap"))

    def controls(self) -> list[widgets.ValueWidget]:
        return [self.taking, self.days, self.prescribed, self.current]

    def _default_current(self, change: dict[str, Any]) -> None:
        self.current.value = change["new"] == 0

    def entry(self) -> dict[str, Any]:
        return {"id": self.id, "days_since_last_dose": self.days.value, "prescribed": self.prescribed.value,
                "current": self.current.value}


class PatientForm(View):
    """Pregnancy, breastfeeding, conditions, allergies and (optionally) medications."""

    def __init__(self, medications: bool = True) -> None:
        kb = knowledge.load()
        self.pregnant = widgets.Checkbox(description="Pregnant", style=WIDE)
        self.breastfeeding = widgets.Checkbox(description="Breastfeeding", style=WIDE)
        self.conditions = widgets.SelectMultiple(
            options=[(c.name, c.id) for c in kb.screening.conditions], description="Conditions", style=WIDE,
            rows=len(kb.screening.conditions),
            layout=widgets.Layout(width="460px"),
        )
        self.allergies = widgets.SelectMultiple(
            options=ingredient_options(), description="Allergies", style=WIDE, rows=6,
            layout=widgets.Layout(width="460px"),
        )
        self.medications = (
            {m.id: MedicationRow(m.id, m.name) for m in kb.screening.medications} if medications else {}
        )
        rows = [row.root for row in self.medications.values()]
        heading = [widgets.HTML("<b>Medications</b> (tick those taken; days since the last dose; untick "
                                "“Still on … treatment” for one the patient has stopped)")] if rows else []
        self.root = widgets.VBox(
            [widgets.HBox([self.pregnant, self.breastfeeding]), self.conditions, self.allergies, *heading, *rows]
        )

    def controls(self) -> list[widgets.ValueWidget]:
        rows = [c for row in self.medications.values() for c in row.controls()]
        return [self.pregnant, self.breastfeeding, self.conditions, self.allergies, *rows]

    def on_change(self, callback: Callable[[Any], None]) -> None:
        """Call ``callback`` whenever any answer changes."""
        for control in self.controls():
            control.observe(callback, names="value")

    def patient(self) -> dict[str, Any]:
        """The answers as the patient mapping ``course.screening.screen`` takes."""
        return {
            "pregnant": self.pregnant.value,
            "breastfeeding": self.breastfeeding.value,
            "conditions": list(self.conditions.value),
            "allergies": list(self.allergies.value),
            "medications": [row.entry() for row in self.medications.values() if row.taking.value],
        }
