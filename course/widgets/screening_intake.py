"""Module 07: the intake form and the screening case gallery.

The decision, reasons, explanations, excluded ingredients and wait days all come
from ``course.screening.screen``; the cases are data (``course/cases``). The
decision readout is a stable element whose text starts "Decision:" (browser tests
read it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import ipywidgets as widgets

from course import cases, knowledge
from course.screening import Reason, ScreeningResult, medication_words, screen, to_patient
from course.widgets import render
from course.widgets.base import WIDE, Gallery
from course.widgets.patient import PatientForm, ingredient_options

NOT_SCREENED = "Decision: not screened yet (press “Screen patient”)"
STALE = "Decision: the form changed (press “Screen patient” again)"


def decision_text(result: ScreeningResult) -> str:
    """The readout "Decision: <id> — <what it means>", from the knowledge base's decision table."""
    meaning = {d.id: d.text for d in knowledge.load().screening.decisions}[result.decision]
    return f"Decision: {result.decision} — {meaning}"


def reasons_table(reasons: Iterable[Reason]) -> str:
    """The rules that fired, most severe first, each with its plain-language explanation."""
    rows = [
        (render.text(r.rule), render.text(r.decision), render.text(r.explanation), render.text(r.detail),
         render.label(r.label), render.citation(r.sources))
        for r in reasons
    ]
    if not rows:
        return "<p>No screening rule fires for this patient.</p>"
    return render.table(("Rule", "Decision", "Why", "In this patient", "Evidence", "Sources"), rows)


def names(ingredient_ids: Iterable[str]) -> str:
    """Ingredient names for IDs, comma-separated, in knowledge-base order."""
    kb = knowledge.load()
    wanted = set(ingredient_ids)
    return ", ".join(i.name for i in kb.ingredients.values() if i.id in wanted) or "none"


def result_html(result: ScreeningResult, cocktail: Iterable[str]) -> str:
    """Reasons, excluded ingredients (and which are in the cocktail) and wait days."""
    planned = set(cocktail)
    excluded = result.excluded_ingredients
    parts = [reasons_table(result.explanations),
             f"<p><b>Excluded ingredients for this patient:</b> {render.text(names(excluded))}"]
    if excluded & planned:
        parts.append(f"; in the planned cocktail: <b>{render.text(names(excluded & planned))}</b>")
    parts.append("</p>")
    if result.wait_days is not None:
        parts.append(f"<p><b>Wait:</b> {result.wait_days} more days before the session.</p>")
    return "".join(parts)


class IntakeForm(PatientForm):
    """The intake form: the patient's answers and the planned cocktail, then "Screen patient"."""

    def __init__(self) -> None:
        super().__init__(medications=True)
        self.cocktail = widgets.SelectMultiple(
            options=ingredient_options(), description="Planned cocktail", style=WIDE,
            rows=6, layout=widgets.Layout(width="460px"),
        )
        self.screen_button = widgets.Button(description="Screen patient", button_style="primary", icon="check")
        # right after the button, in a live region: read out when it changes
        self.decision = widgets.HTML(render.live(render.text(NOT_SCREENED)), style={"font_size": "1.15em"})
        self.decision.add_class("meso-decision")  # a stable hook for browser tests
        self.details = widgets.HTML()
        self.result: ScreeningResult | None = None
        self.screen_button.on_click(self.run_screening)
        self.on_change(self._mark_stale)
        self.cocktail.observe(self._mark_stale, names="value")
        form = self.root
        self.root = widgets.VBox([form, self.cocktail, self.screen_button, self.decision, self.details])

    def run_screening(self, _button: object = None) -> ScreeningResult:
        """Screen the patient on the form and show the result."""
        self.result = screen(self.patient(), self.cocktail.value)
        self.decision.value = render.live(render.text(decision_text(self.result)))
        self.details.value = result_html(self.result, self.cocktail.value)
        return self.result

    def _mark_stale(self, _change: object) -> None:
        if self.result is not None:
            self.result = None
            self.decision.value = render.live(render.text(STALE))
            self.details.value = ""


def intake_table(patient: Mapping[str, Any], cocktail: Iterable[str]) -> str:
    """A case's intake answers in words, from the knowledge base's names."""
    kb = knowledge.load()
    answers = to_patient(patient, kb.screening, kb.ingredients)
    conditions = {c.id: c.name for c in kb.screening.conditions}
    medications = {m.id: m.name for m in kb.screening.medications}
    meds = [medication_words(m, medications[m.id]) for m in answers.medications]
    rows = [
        ("Pregnant", "yes" if answers.pregnant else "no"),
        ("Breastfeeding", "yes" if answers.breastfeeding else "no"),
        ("Conditions", ", ".join(name for cid, name in conditions.items() if cid in answers.conditions) or "none"),
        ("Allergies", names(answers.allergies)),
        ("Medications", "; ".join(meds) or "none"),
        ("Planned cocktail", names(cocktail)),
    ]
    return render.table(("Intake question", "Answer"), [(render.text(q), render.text(a)) for q, a in rows])


def case_steps(case: cases.Case) -> list[tuple[str, str]]:
    """The reasoning for a case, one step per rule that fires, ending with the decision."""
    result = screen(case.patient, case.cocktail)
    steps = [("The patient", f"<p>{render.text(case.story)}</p>{intake_table(case.patient, case.cocktail)}"
                             "<p><i>What would you decide? Think it through, then press “Next step”.</i></p>")]
    if not result.explanations:
        steps.append(("The rules", reasons_table(())))
    for number, reason in enumerate(result.explanations, start=1):
        steps.append((f"Rule {number} of {len(result.explanations)}: {reason.rule}", reasons_table([reason])))
    steps.append(("Excluded ingredients", f"<p>{render.text(names(result.excluded_ingredients))}</p>"))
    several = len(result.explanations) > 1
    combined = "<p>The most severe decision of the rules that fired applies.</p>" if several else ""
    wait = f"<p>Wait {result.wait_days} more days before the session.</p>" if result.wait_days is not None else ""
    steps.append(("The decision", f"{combined}<p><b>{render.text(decision_text(result))}</b></p>{wait}"))
    return steps


class CaseGallery(Gallery):
    """Synthetic screening cases whose reasoning is revealed step by step."""

    def __init__(self) -> None:
        self.cases = {case.id: case for case in cases.load()}
        super().__init__("Case", [(case.title, case.id) for case in self.cases.values()],
                         lambda case_id: case_steps(self.cases[case_id]))
