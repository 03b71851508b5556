"""Process start-up for mesocourse's commands and grading workers.

nbformat validates notebooks with jsonschema. When the optional package
``rfc3987_syntax`` is installed (JupyterLab's ``jupyter-events`` pulls it in),
importing jsonschema compiles 38 grammars to check the ``iri`` string format,
which costs seconds of CPU in every process that reads a notebook
(docs/benchmarks.md). No notebook
schema uses that format, so our processes tell Python the package is absent:
jsonschema then simply has no ``iri`` checker. It must run before anything
imports jsonschema; once jsonschema is loaded it changes nothing.
"""

from __future__ import annotations

import sys

UNUSED_OPTIONAL_MODULES = ("rfc3987_syntax",)


def skip_unused_imports() -> None:
    """Make the optional modules nobody here uses look absent to this process."""
    for name in UNUSED_OPTIONAL_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: "import fails"
