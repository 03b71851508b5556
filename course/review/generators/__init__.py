"""Item generators, one per engine: each turns drawn parameters into a quiz item the
engine answered. A generator module has ``PARAMETERS`` (the names a template draws),
``ASKS`` (the questions it can ask) and ``build(spec, parameters) -> Item``."""

from __future__ import annotations

from types import ModuleType

from . import cocktail_items, depth_items, planning_items, screening_items
from .common import Ambiguous, Generated, Spec

KINDS: dict[str, ModuleType] = {"screening": screening_items, "depth": depth_items, "planning": planning_items,
                                "cocktail": cocktail_items}

__all__ = ["KINDS", "Ambiguous", "Generated", "Spec"]
