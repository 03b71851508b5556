"""Result-identical shortcuts in the third-party code a grading worker runs for every notebook.

nbgrader checks the grading metadata of every cell, several times per notebook
(``CheckCellMetadata``), with ``jsonschema.validate(metadata, schema)``. That
function first checks the *schema itself* against jsonschema's meta-schema, then
builds a validator, then validates the metadata: checking nbgrader's one
unchanging schema again for each of a notebook's cells was the largest single
cost of a grading worker (about a sixth of its time, measured with cProfile on
the benchmark cohort). :func:`remember_checked_schemas` makes
``jsonschema.validate`` check each distinct schema once per process and keep its
validator; the metadata is validated exactly as before, and the same error is
raised for the same input (``jsonschema.exceptions.best_match`` of the same
errors). A schema that fails its check is checked, and fails, every time.

Only grading workers install it (:mod:`.worker_process`); nothing else in the
course is affected.
"""

from __future__ import annotations

import json
from typing import Any

_installed = False


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
