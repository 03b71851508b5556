"""Module 06: the course planner and the protocols compared on one timeline.

Every date comes from ``course.scheduling.plan_course``: the sessions, the dated
pre-treatment steps, the maintenance window and the aftercare. The widget only
lays them out as a table and a timeline.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ipywidgets as widgets

from course import knowledge, scheduling
from course.scheduling import Plan
from course.widgets import plotting, render
from course.widgets.base import WIDE, View

FEWEST = "fewest the source allows"


def _day(day: date) -> str:
    return f"{day.isoformat()} ({day.strftime('%a')})"


def plan_html(plan: Plan) -> str:
    """The plan as tables: protocol, sessions, pre-treatment, maintenance, aftercare."""
    proto = knowledge.load().protocols[plan.protocol]
    about = [f"<p><b>{render.text(proto.name)}</b> {render.label(proto.label)} {render.citation(proto.sources)}</p>"]
    if proto.session_minutes:
        about.append(f"<p>Each session: {render.text(proto.session_minutes)}.</p>")
    if proto.note:
        about.append(render.box(render.text(proto.note)))
    sessions = render.table(("Session", "Date"), [(str(n), _day(d)) for n, d in enumerate(plan.sessions, start=1)],
                            "Sessions")
    pre = render.table(
        ("Step", "When", "Date", "Evidence", "Sources"),
        [(render.text(s.text), render.text(s.when), _day(s.date) if s.date else "no date given by the sources",
          render.label(_label(s.id)), render.citation(s.sources)) for s in plan.pre_treatment],
        "Before the first session",
    )
    maintenance = (f"<p><b>Maintenance:</b> the first maintenance session falls between "
                   f"{_day(plan.maintenance_from)} and {_day(plan.maintenance_until)}.</p>")
    aftercare = "<h3>Aftercare after each session</h3>" + render.fact_list(plan.aftercare)
    return "".join(about) + sessions + pre + maintenance + aftercare


def _label(step_id: str) -> str:
    return {s.id: s.label for s in knowledge.load().care.pre_treatment}[step_id]


# cividis shades (colour-blind safe); each kind of mark also has its own marker shape and row
SESSION, PRE_TREATMENT, MAINTENANCE = plotting.colour(0.1), plotting.colour(0.45), plotting.colour(0.85)


def _maintenance(ax: Any, plan: Plan, row: float, label: str | None) -> None:
    """The maintenance window as a bar; its end markers keep a one-day window visible."""
    ax.plot([plan.maintenance_from, plan.maintenance_until], [row, row], color=MAINTENANCE, linewidth=8,
            marker="D", markersize=8, markeredgecolor="black", solid_capstyle="butt", label=label)


def plan_alt(plan: Plan) -> str:
    """What the timeline of one course shows, in words."""
    dated = [s.date for s in plan.pre_treatment if s.date]
    pre = (f"{len(dated)} dated pre-treatment step(s) from {min(dated)} to {max(dated)}; " if dated
           else "no dated pre-treatment step; ")
    return (f"Timeline of protocol {plan.protocol}: {pre}{len(plan.sessions)} session(s) from {plan.sessions[0]} to "
            f"{plan.sessions[-1]}; the first maintenance session between {plan.maintenance_from} and "
            f"{plan.maintenance_until}.")


def comparison_alt(plans: list[Plan]) -> str:
    """What the comparison timeline shows, in words."""
    rows = "; ".join(f"{p.protocol}: {len(p.sessions)} session(s) until {p.sessions[-1]}, maintenance from "
                     f"{p.maintenance_from} to {p.maintenance_until}" for p in plans)
    return f"Timeline of {len(plans)} protocols, each from {plans[0].sessions[0]}: {rows}."


def draw_plan(ax: Any, plan: Plan) -> None:
    """One course on a timeline: pre-treatment steps, sessions and the maintenance window."""
    dated = [s for s in plan.pre_treatment if s.date]
    ax.plot([s.date for s in dated], [2] * len(dated), "v", color=PRE_TREATMENT, label="pre-treatment step")
    ax.plot(plan.sessions, [1] * len(plan.sessions), "o", color=SESSION, label="session")
    for number, day in enumerate(plan.sessions, start=1):
        ax.annotate(str(number), (day, 1), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8)
    _maintenance(ax, plan, 0, "first maintenance window")
    ax.set_yticks([0, 1, 2], ["maintenance", "sessions", "pre-treatment"])
    ax.set_ylim(-0.7, 2.7)
    ax.set_title(f"Protocol {plan.protocol}")
    ax.legend(loc="upper right", fontsize=8)
    ax.figure.autofmt_xdate()


def draw_comparison(ax: Any, plans: list[Plan]) -> None:
    """Every protocol's default course on one timeline, from the same first date."""
    for row, plan in enumerate(plans):
        ax.plot(plan.sessions, [row] * len(plan.sessions), "o", color=SESSION, label="session" if row == 0 else None)
        _maintenance(ax, plan, row, "first maintenance window" if row == 0 else None)
    ax.set_yticks(range(len(plans)), [plan.protocol for plan in plans])
    ax.set_ylim(len(plans) - 0.5, -0.5)
    ax.set_title("Protocols compared (fewest sessions, shortest interval)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    ax.figure.autofmt_xdate()


class CoursePlanner(View):
    """Protocol and first date (and optionally the number of sessions) give the plan."""

    def __init__(self) -> None:
        kb = knowledge.load()
        self.protocol = widgets.Dropdown(options=[(p.name, p.id) for p in kb.protocols.values()],
                                         description="Protocol", style=WIDE, layout=widgets.Layout(width="720px"))
        self.first_date = widgets.DatePicker(value=date.today(), description="First session", style=WIDE)
        self.sessions = widgets.Dropdown(description="Sessions", style=WIDE)
        self.plan_html = widgets.HTML()
        self.timeline = plotting.Picture()
        self.plan: Plan | None = None
        self.protocol.observe(self._protocol_changed, names="value")
        self.first_date.observe(self.update, names="value")
        self.sessions.observe(self.update, names="value")
        self.root = widgets.VBox([self.protocol, widgets.HBox([self.first_date, self.sessions]), self.timeline.widget,
                                  self.plan_html])
        self._protocol_changed()

    def _protocol_changed(self, _change: object = None) -> None:
        allowed = scheduling.session_range(scheduling.protocol(self.protocol.value))
        choices = [(str(n), n) for n in range(allowed[0], allowed[1] + 1)] if allowed else []
        with self.sessions.hold_trait_notifications():
            self.sessions.options = [(FEWEST, None), *choices]
            self.sessions.value = None
        self.sessions.disabled = not choices
        self.update()

    def update(self, _change: object = None) -> None:
        """Plan the course for the chosen protocol, date and number of sessions."""
        if self.first_date.value is None:
            self.plan = None
            self.plan_html.value = "<p>Choose the date of the first session.</p>"
            self.timeline.clear()
            return
        self.plan = plan = scheduling.plan_course(self.protocol.value, self.first_date.value,
                                                  sessions=self.sessions.value)
        self.plan_html.value = plan_html(plan)
        self.timeline.show(plotting.png(lambda ax: draw_plan(ax, plan), (7.5, 3.0)), plan_alt(plan))


class ProtocolComparison(View):
    """All protocols of the knowledge base on one timeline, from one first date."""

    def __init__(self) -> None:
        self.first_date = widgets.DatePicker(value=date.today(), description="First session", style=WIDE)
        self.figure = plotting.Picture()
        self.legend = widgets.HTML()
        self.plans: list[Plan] = []
        self.first_date.observe(self.update, names="value")
        self.root = widgets.VBox([self.first_date, self.figure.widget, self.legend])
        self.update()

    def update(self, _change: object = None) -> None:
        """Plan every protocol from the chosen date and redraw."""
        if self.first_date.value is None:
            self.plans = []
            self.figure.clear()
            self.legend.value = "<p>Choose the date of the first session.</p>"
            return
        kb = knowledge.load()
        self.plans = [scheduling.plan_course(p, self.first_date.value) for p in kb.protocols]
        self.figure.show(plotting.png(lambda ax: draw_comparison(ax, self.plans), (7.5, 3.5)),
                         comparison_alt(self.plans))
        self.legend.value = render.table(
            ("Protocol", "As the source states it", "Sources"),
            [(render.text(p.id), render.text(p.name), render.citation(p.sources)) for p in kb.protocols.values()],
        )
