"""Signed registry checkpoints: the chain head, signed with a key the database never holds.

The hash chain alone shows partial edits; anyone who can write to the database can
still rewrite the whole chain, append a well-formed record, or drop records from
the end and move the head back. Like Certificate Transparency's signed tree heads,
each command that appends records signs a checkpoint (sequence number, head hash,
time) with the issuer's key, before its transaction commits, and writes it to
``public/checkpoint.jwt`` outside the database; ``mesocourse registry checkpoint
--witness DIR`` copies it to a witness. Checking a registry against a checkpoint
finds what the chain cannot: a head moved back, a chain rewritten, records
appended without the key. Checkpoints are written and compared with the records
while the registry's write lock is held, so a check never sees one without the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

from course.coursedir import Course

from .chain import Record
from .errors import CertificationError, RegistryTampered
from .keys import Issuer, verify_signed, write_public
from .registry import Registry, open_intact, records_table

TYPE = "mesocourse-registry-checkpoint"
JWS_TYPE = "checkpoint+jwt"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head: str
    time: str
    issuer: str
    kid: str

    def describe(self) -> str:
        return f"record {self.seq}, head {self.head[:12]}..., signed {self.time} (key {self.kid[:8]})"


def sign_checkpoint(issuer: Issuer, seq: int, head: str) -> str:
    """A compact JWS over the head."""
    payload = {"type": TYPE, "issuer": issuer.profile()["id"], "seq": seq, "head": head,
               "time": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    return issuer.sign(payload, JWS_TYPE)


def read_checkpoint(path: Path, keys: Any) -> Checkpoint:
    """The checkpoint in ``path``, its signature verified; a clear error otherwise."""
    try:
        token = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
        raise CertificationError(f"{path}: no readable checkpoint file") from None
    header, payload = verify_signed(token, keys, f"checkpoint {path}")
    if (payload.get("type") != TYPE or not isinstance(payload.get("seq"), int)
            or not isinstance(payload.get("head"), str)):
        raise CertificationError(f"checkpoint {path}: signed, but not a registry checkpoint")
    return Checkpoint(payload["seq"], payload["head"], str(payload.get("time")), str(payload.get("issuer")),
                      str(header.get("kid")))


def checkpoint_problems(checkpoint: Checkpoint, records: list[Record]) -> list[str]:
    """How the registry disagrees with a genuine checkpoint, in plain words (empty: it agrees)."""
    by_seq = {record.seq: record for record in records}
    last = records[-1].seq if records else 0
    problems = []
    if last < checkpoint.seq:
        problems.append(
            f"the registry ends at record {last}, but the signed checkpoint ({checkpoint.describe()}) says "
            f"record {checkpoint.seq} existed: records were removed from the end and the chain head moved back")
    elif by_seq.get(checkpoint.seq) is None or by_seq[checkpoint.seq].hash != checkpoint.head:
        problems.append(
            f"record {checkpoint.seq} does not carry the hash the signed checkpoint ({checkpoint.describe()}) "
            "recorded: the chain was rewritten (records changed and every hash recomputed)")
    extra = [record for record in records if record.seq > checkpoint.seq]
    if extra:
        problems.append(
            f"{len(extra)} record(s) after the signed checkpoint ({extra[0].describe()}"
            + (f" to record {extra[-1].seq}" if len(extra) > 1 else "")
            + ") were added without the issuer's key: forged by writing to the database directly")
    return problems


def registry_problems(issuer: Issuer, records: list[Record]) -> list[str]:
    """Problems of ``records`` against the issuer's own checkpoint (none when it has none)."""
    if not issuer.checkpoint_file.exists():
        return []
    checkpoint = read_checkpoint(issuer.checkpoint_file, issuer.public_keys())
    return checkpoint_problems(checkpoint, records)


class Checkpointer:
    """Signs a new checkpoint at the end of every transaction that appended records.

    Called inside the transaction, under the registry's write lock: refuses (and
    so rolls back) when records before this transaction's are not covered by the
    previous checkpoint, so a forged record is never signed over.
    """

    def __init__(self, issuer: Issuer) -> None:
        self.issuer = issuer

    def __call__(self, conn: Any, appended: list[Record]) -> None:
        first, last = appended[0], appended[-1]
        if self.issuer.checkpoint_file.exists():
            previous = read_checkpoint(self.issuer.checkpoint_file, self.issuer.public_keys())
            row = conn.execute(select(records_table.c.hash).where(records_table.c.seq == previous.seq)).one_or_none()
            if row is None or row.hash != previous.head or first.seq != previous.seq + 1:
                raise RegistryTampered(
                    f"registry: records before this one do not match the signed checkpoint "
                    f"({previous.describe()}); refusing to sign over them: "
                    "run `mesocourse verify --registry --checkpoint`")
        write_public(self.issuer.checkpoint_file, sign_checkpoint(self.issuer, last.seq, last.hash) + "\n")


def guard(registry: Registry, issuer: Issuer, *, writer: bool) -> None:
    """Refuse a registry that disagrees with the issuer's checkpoint; for a writer with
    a key, sign a new checkpoint at the end of each appending transaction."""
    _, problems = registry.check(lambda records: registry_problems(issuer, records))
    if problems:
        raise RegistryTampered(
            f"registry {registry.display_url} does not match the signed checkpoint {issuer.checkpoint_file}; "
            "refusing to use it:\n  " + "\n  ".join(problems))
    if writer and issuer.initialised:
        registry.before_commit = Checkpointer(issuer)
    elif writer and issuer.checkpoint_file.exists():
        raise CertificationError(
            f"{issuer.keys_dir}: the issuer's private key is missing, so new records could not be signed "
            "(and would look forged); restore the keys folder from its backup, or run `mesocourse keys rotate` "
            "to sign with a new key (the registry and every published key stay as they are)")


def open_guarded(url: str, course: Course, *, create: bool, writer: bool) -> Registry:
    """The registry at ``url``, refused (:class:`RegistryTampered`) if its hash chain is
    broken or it disagrees with the signed checkpoint of the course's issuer; for a
    ``writer``, every appending transaction signs a new checkpoint (when there are keys)."""
    registry = open_intact(url, create=create)
    try:
        guard(registry, Issuer(course.issuer_folder), writer=writer)
    except BaseException:
        registry.close()
        raise
    return registry
