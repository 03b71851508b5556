"""Each person's Jupyter server under the hub: ``jupyterhub-singleuser``, started lean.

Profiling a server start (docs/benchmarks.md, "The course server's start") found half
of its CPU time in one import: jsonschema, which jupyter_events loads, compiles the
grammars of the optional ``rfc3987_syntax`` (about 0.9 of 2 CPU-seconds per start).
As mesocourse's own commands do (:mod:`course.startup`), the server starts with that
package looking absent; no schema the server checks uses its ``iri`` format
(jupyter_server's event schemas have no ``format``). Kernels are processes of their own.
"""

from __future__ import annotations

import sys

from course.startup import skip_unused_imports


def main() -> None:
    skip_unused_imports()
    from jupyterhub.singleuser import main as singleuser

    sys.exit(singleuser())


if __name__ == "__main__":
    main()
