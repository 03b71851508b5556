"""Each person's Jupyter server under the hub: ``jupyterhub-singleuser``, started lean.

Profiling a server start (docs/benchmarks.md, "A class logs in at nine") found two imports
that the server pays for at every start and never uses:

- jsonschema, which jupyter_events loads, compiles the grammars of the optional
  ``rfc3987_syntax`` (about 0.9 of 2 CPU-seconds per start). As mesocourse's own commands
  do (:mod:`course.startup`), the server starts with that package looking absent; no schema
  the server checks uses its ``iri`` format (jupyter_server's event schemas have no ``format``).
- the hub's own request handlers, database models and migrations (``jupyterhub.handlers``,
  ``jupyterhub.orm``, SQLAlchemy's ORM, alembic): ``jupyterhub.log``, which the single-user
  server imports for its access log, imports the hub's pages only to recognise the hub's
  health check, and ``jupyterhub.metrics`` and ``jupyterhub.scopes`` import the models only
  for functions the hub calls. :func:`without_hub_internals` leaves them out (about 0.17 of the
  server's CPU-seconds to start; a third of what importing ``jupyterhub.singleuser`` costs).

Kernels are processes of their own.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from typing import Any

from course.startup import skip_unused_imports


class LoadedOnFirstUse(types.ModuleType):
    """A module that runs its real code when an attribute it lacks is first asked for.

    (The standard library's ``importlib.util.LazyLoader`` loads on any attribute, ``__spec__``
    included, which the next ``import`` statement of the module reads: too early.)"""

    def __getattr__(self, name: str) -> Any:
        spec = importlib.util.find_spec(self.__name__)
        assert spec is not None and spec.loader is not None, self.__name__
        real = importlib.util.module_from_spec(spec)
        sys.modules[self.__name__] = real
        spec.loader.exec_module(real)
        self.__dict__.update(real.__dict__)  # modules that bound this one by name read the real attributes
        return getattr(real, name)


class HubHealthCheck:
    """Stands for ``jupyterhub.handlers.pages.HealthCheckHandler``, which ``jupyterhub.log`` compares
    every request's handler with: the hub's health page is never a handler of a single-user server,
    so the comparison answers as it would with the hub's class."""


def without_hub_internals() -> None:
    """The single-user server starts without the hub's handlers and models (see the module's docstring).

    ``jupyterhub.handlers`` is the real package with its ``__init__`` not run (its modules still
    import if anything asks), ``jupyterhub.handlers.pages`` holds only the health check's stand-in,
    and ``jupyterhub.orm`` loads at its first use.
    """
    handlers_spec = importlib.util.find_spec("jupyterhub.handlers")
    assert handlers_spec is not None
    pages = types.ModuleType("jupyterhub.handlers.pages", "stands in for the hub's pages (course.hub.singleuser)")
    pages.HealthCheckHandler = HubHealthCheck  # type: ignore[attr-defined]
    orm = LoadedOnFirstUse("jupyterhub.orm")
    orm.__spec__ = importlib.util.find_spec("jupyterhub.orm")
    for name, module in (("jupyterhub.handlers", importlib.util.module_from_spec(handlers_spec)),
                         ("jupyterhub.handlers.pages", pages), ("jupyterhub.orm", orm)):
        if name not in sys.modules:  # as an import would: in sys.modules and an attribute of its package
            parent, _, child = name.rpartition(".")
            sys.modules[name] = module
            setattr(sys.modules[parent], child, module)


def main() -> None:
    skip_unused_imports()
    without_hub_internals()
    from jupyterhub.singleuser import main as singleuser

    sys.exit(singleuser())


if __name__ == "__main__":
    main()
