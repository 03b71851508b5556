"""The one error type certification raises for bad input or a bad registry."""

from __future__ import annotations


class CertificationError(ValueError):
    """Input or state certification cannot use; the message names the file, row or field."""
