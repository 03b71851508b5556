"""Which variant each trainee gets: an HMAC of a course secret, the assignment and the trainee id.

The course secret is 32 random bytes in ``DIR/.mesocourse/variant-secret`` (mode
0600), created by ``mesocourse release`` when the course has none; it is never
released (``nbgrader release_assignment`` copies only ``release/``), and under the
hub the course folder belongs to the grader account alone. From it,

- the **assignment key** is ``HMAC-SHA256(secret, "variant-key:" + assignment)``:
  one per assignment, so knowing one tells nothing of another, nor of the secret;
- a trainee's **variant** is ``HMAC-SHA256(assignment key, trainee id)`` read as a
  number, modulo the assignment's number of variants (0-based here; people see
  ``variant 3 of 8``).

Grading and the report derive the variant from the gradebook's student id and the
secret; nothing a trainee edits takes part. The released notebook carries the
assignment key (in a file beside it) so that it can show a trainee their own
patients: with it a trainee can work out which variant any id gets, which reveals
no answer (the answers are only in the hidden tests, which are never released).

Standard library only: this runs in the exam kernel too.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from course.coursedir import Course

KEY_FILE = "variant-key"  # beside a released notebook: the assignment key, hex


class SecretMissing(LookupError):
    """The course has no variant secret yet."""


def ensure_secret(course: Course) -> Path:
    """The course's secret file, created (0600, in a 0700 folder) when missing."""
    path = course.variant_secret
    if not path.is_file():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    return path


def read_secret(course: Course) -> bytes:
    path = course.variant_secret
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise SecretMissing(f"{path}: no variant secret (`mesocourse release` creates it)") from None
    return bytes.fromhex(text)


def assignment_key(secret: bytes, assignment: str) -> bytes:
    return hmac.new(secret, f"variant-key:{assignment}".encode(), hashlib.sha256).digest()


def variant_for(key: bytes, trainee: str, count: int) -> int:
    """The 0-based variant of ``trainee`` for the assignment whose key is ``key``."""
    if count < 1:
        raise ValueError(f"an assignment has at least one variant, not {count}")
    digest = hmac.new(key, trainee.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % count


def write_key(course: Course, folder: Path, assignment: str) -> Path:
    """Put the assignment key beside the source notebook, for nbgrader to release with it."""
    path = folder / KEY_FILE
    path.write_text(assignment_key(read_secret(course), assignment).hex() + "\n", encoding="ascii")
    return path


def course_variant(course: Course, assignment: str, trainee: str, count: int) -> int:
    """The 0-based variant of ``trainee`` for ``assignment`` in ``course``."""
    return variant_for(assignment_key(read_secret(course), assignment), trainee, count)


def recorded_count(source_notebook: Path | str) -> int:
    """The number of variants a source notebook was built with (1 when it records none)."""
    import json

    try:
        metadata = json.loads(Path(source_notebook).read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return 1
    count = metadata.get("mesocourse", {}).get("variants", 1)
    return count if isinstance(count, int) and count >= 1 else 1


def assignment_count(source_folder: Path | str) -> int:
    """The number of variants an assignment's ``source/<assignment>/`` notebooks were built with."""
    return max((recorded_count(path) for path in sorted(Path(source_folder).glob("*.ipynb"))), default=1)
