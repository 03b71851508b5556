"""Number arguments of the commands: argparse types whose messages name what was wrong.

argparse prints ``argument --workers: must be at least 1, got 0``: the option's name comes
from argparse, the rest from here, so every command words the same fault the same way.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def whole_number(low: int = 1, high: int | None = None) -> Callable[[str], int]:
    """A whole number from ``low`` (to ``high``, when given)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < low or (high is not None and value > high):
            wanted = f"at least {low}" if high is None else f"{low} to {high}"
            raise argparse.ArgumentTypeError(f"must be {wanted}, got {value}")
        return value

    return parse


def positive_number(unit: str = "", *, zero_means: str = "") -> Callable[[str], float]:
    """A finite number above 0 (of ``unit``), or from 0 when ``zero_means`` says what 0 stands for."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a number" + (f" of {unit}" if unit else "")) from None
        if math.isnan(value) or math.isinf(value) or value < 0 or (value == 0 and not zero_means):
            wanted = f"0 ({zero_means}) or more" if zero_means else "a positive number"
            raise argparse.ArgumentTypeError(f"must be {wanted}, got {text}")
        return value

    return parse
