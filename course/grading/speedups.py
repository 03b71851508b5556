"""Result-identical shortcuts in the third-party code a grading worker runs for every notebook.

nbgrader checks the grading metadata of every cell, several times per notebook
(``CheckCellMetadata``), with ``jsonschema.validate(metadata, schema)``. That
function first checks the *schema itself* against jsonschema's meta-schema, then
builds a validator, then validates the metadata: checking nbgrader's one
unchanging schema again for each of a notebook's cells was the largest single
cost of a grading worker (measured: docs/benchmarks.md, "Where the time went").
:func:`remember_checked_schemas` makes ``jsonschema.validate`` check each distinct
schema once per process and keep its validator; the metadata is validated
exactly as before, and the same error is raised for the same input
(``jsonschema.exceptions.best_match`` of the same errors). A schema that fails its check
is checked, and fails, every time.

nbgrader's ``Gradebook`` makes a new SQLAlchemy engine each time it is opened,
and autograde opens several per submission; the parent opens one more to record
each submission. An engine keeps the SQL it compiled, so every new engine compiles
every statement again (a large share of a worker's and of the parent's CPU time:
docs/benchmarks.md).
:func:`reuse_engines` makes nbgrader's ``create_engine`` return the engine it
already made for the same URL and options. ``Gradebook.close`` still disposes of
it (its pooled connections close, as before); the next ``Gradebook`` opens new
connections from the same engine, with its compiled statements. Connections a
``Gradebook`` still holds are unaffected by another's ``close`` (SQLAlchemy's
``Engine.dispose`` leaves checked-out connections alone).

Grading workers install both (:mod:`.worker_process`), and ``mesocourse grade``
installs :func:`reuse_engines` while it records grades; nothing else in the course
is affected.
"""

from __future__ import annotations

import json
from typing import Any

_installed = False
_engines: dict[str, Any] | None = None  # nbgrader's engines by URL and options, once reuse_engines ran


def remember_checked_schemas() -> None:
    """Make ``jsonschema.validate`` check each distinct schema only once in this process."""
    global _installed
    if _installed:
        return
    import jsonschema
    from jsonschema import exceptions, validators

    original = jsonschema.validate
    checked: dict[tuple[type, str], Any] = {}

    def validate(instance: Any, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            return original(instance, schema, cls, *args, **kwargs)
        cls = cls or validators.validator_for(schema)
        key = (cls, json.dumps(schema, sort_keys=True, default=repr))
        validator = checked.get(key)
        if validator is None:
            cls.check_schema(schema)  # raises SchemaError for a bad schema, which is then never remembered
            validator = checked[key] = cls(schema)
        error = exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    jsonschema.validate = validate  # nbgrader calls it as ``jsonschema.validate``
    _installed = True


def reuse_engines() -> None:
    """Make nbgrader's gradebooks share one SQLAlchemy engine per database URL in this process."""
    global _engines
    if _engines is not None:
        return
    import nbgrader.api

    engines: dict[str, Any] = {}
    original = nbgrader.api.create_engine

    def create_engine(url: Any, **options: Any) -> Any:
        key = json.dumps([str(url), options], sort_keys=True, default=repr)
        if key not in engines:
            engines[key] = original(url, **options)
        return engines[key]

    nbgrader.api.create_engine = create_engine
    _engines = engines
