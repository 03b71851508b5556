"""Registry records and their hash chain.

Each record's hash is SHA-256 over all its fields, including the previous record's
hash, so changing, inserting or removing any record breaks every later link. The
chain head (sequence number and hash of the last record) is stored apart from the
records, so removing records from the end is detected too. Checking is pure: it
takes the stored rows and reports every problem in plain words.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first record
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def canonical_json(data: Any) -> str:
    """One text per value (sorted keys, no spaces), so a payload hashes the same everywhere."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_hash(
    seq: int, kind: str, trainee: str | None, certificate_id: str | None,
    recorded_at: str, recorded_by: str, payload: str, prev_hash: str,
) -> str:
    """The SHA-256 of a record's fields (JSON-encoded as a list, so no two differ only in framing)."""
    fields = [seq, kind, trainee, certificate_id, recorded_at, recorded_by, payload, prev_hash]
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Record:
    """One stored registry record; ``payload`` is the canonical JSON text that was hashed."""

    seq: int
    kind: str
    trainee: str | None
    certificate_id: str | None
    recorded_at: str
    recorded_by: str
    payload: str
    prev_hash: str
    hash: str

    @cached_property
    def data(self) -> dict[str, Any]:
        """The payload as a dictionary."""
        return json.loads(self.payload)

    def expected_hash(self) -> str:
        """The hash this record's current content should carry."""
        return record_hash(
            self.seq, self.kind, self.trainee, self.certificate_id,
            self.recorded_at, self.recorded_by, self.payload, self.prev_hash,
        )

    def describe(self) -> str:
        """Who recorded what and when, for messages: 'record 7 (certificate MC-..., ...)'."""
        trainee = self.trainee and f"trainee {self.trainee}"
        about = ", ".join(part for part in (self.kind, self.certificate_id, trainee) if part)
        return f"record {self.seq} ({about}; recorded {self.recorded_at} by {self.recorded_by})"


def verification_code(record_hash_hex: str) -> str:
    """A 12-character code printed on a certificate, derived from its record's hash.

    Anyone holding the certificate can compare it with the registry; a rewritten
    record (even with recomputed hashes) no longer yields the printed code.
    """
    number = int(hashlib.sha256(f"mesocourse-verification:{record_hash_hex}".encode()).hexdigest(), 16)
    chars = []
    for _ in range(12):
        number, index = divmod(number, len(_CODE_ALPHABET))
        chars.append(_CODE_ALPHABET[index])
    code = "".join(chars)
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def chain_problems(records: Sequence[Record], head_seq: int, head_hash: str) -> list[str]:
    """Every break in the chain, in plain words; an empty list means intact.

    ``records`` are in sequence order; ``head_seq``/``head_hash`` is the stored head.
    """
    problems: list[str] = []
    expected_seq, prev_hash = 1, GENESIS
    for record in records:
        if record.seq != expected_seq:
            if record.seq > expected_seq:
                missing = f"{expected_seq}" if record.seq == expected_seq + 1 else f"{expected_seq}-{record.seq - 1}"
                problems.append(f"record {missing} missing: "
                                f"the sequence jumps from {expected_seq - 1} to {record.seq} (deleted)")
            else:
                problems.append(f"{record.describe()}: out of sequence, expected record {expected_seq}")
        if record.prev_hash != prev_hash:
            problems.append(f"{record.describe()}: does not link to the record before it "
                            "(inserted, or a record before it was deleted or changed)")
        if record.expected_hash() != record.hash:
            problems.append(f"{record.describe()}: content changed after it was recorded (hash mismatch)")
        expected_seq, prev_hash = record.seq + 1, record.hash
    last_seq = records[-1].seq if records else 0
    if (last_seq, prev_hash) != (head_seq, head_hash):
        problems.append(
            f"chain head says the last record is {head_seq} with hash {head_hash[:12]}..., "
            f"but the last stored record is {last_seq} with hash {prev_hash[:12]}... "
            "(records added or removed at the end)"
        )
    return problems
