"""Thin ipywidgets views over the engines, one module per teaching scenario.

- ``disputes`` (01), ``indications`` (02), ``cocktail_builder`` (03), ``depth_explorer`` (04),
  ``session`` (05), ``planner`` (06), ``screening_intake`` (07), ``triage_trainer`` (08),
  ``consultation`` (09): one scenario class each, its controls as attributes.
- ``render``: knowledge-base facts as HTML with evidence labels and sources;
  ``plotting``: matplotlib figures as PNG bytes; ``base``: the shared ``View``
  and ``StepReveal``; ``patient``: the intake controls shared by 03 and 07.

Widgets decide nothing: every decision, depth, date and role comes from an
engine or the knowledge base. Nothing is imported here, so importing one
scenario loads only what it needs.
"""
