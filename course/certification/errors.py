"""The errors certification raises for bad input or a bad registry."""

from __future__ import annotations

from course.errors import TAMPERED, MesocourseError


class CertificationError(MesocourseError, ValueError):
    """Input or state certification cannot use; the message names the file, row or field."""


class RegistryTampered(CertificationError):
    """The registry's hash chain is broken: no command uses it (``verify --registry`` lists why)."""

    exit_code = TAMPERED
