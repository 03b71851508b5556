"""The registry as a whole cohort's certification run sees it: read once, kept current.

Deciding a trainee needs their history (observations, certificates, revocations),
the latest standard setting and the certificate IDs already taken. Reading these
per trainee is one scan of the registry each; instead the run reads every record
once (:meth:`RegistryView.read`), then, inside each trainee's short locked
transaction, only the records appended since (:meth:`RegistryView.catch_up`:
usually none; another instructor's, if one certifies at the same time). So each
decision still sees the registry exactly as it is under the lock, and two
instructors certifying at once lose nothing and issue no duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .chain import Record
from .registry import CERTIFICATE, STANDARD_SET, Registry, Transaction


@dataclass
class RegistryView:
    """Every record up to ``head``, grouped as the decisions use them."""

    head: int = 0
    by_trainee: dict[str, list[Record]] = field(default_factory=dict)
    standards: list[Record] = field(default_factory=list)
    certificate_ids: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, registry: Registry) -> RegistryView:
        """The whole registry, in one query."""
        view = cls()
        with registry.transaction() as tx:
            view.add(tx.records_after(0))
        return view

    def add(self, records: Iterable[Record]) -> None:
        """Fold in records appended after ``head``, in order."""
        for record in records:
            if record.seq <= self.head:
                raise ValueError(f"registry record {record.seq} is not after {self.head}")
            self.head = record.seq
            if record.trainee is not None:
                self.by_trainee.setdefault(record.trainee, []).append(record)
            if record.kind == STANDARD_SET:
                self.standards.append(record)
            elif record.kind == CERTIFICATE and record.certificate_id:
                self.certificate_ids.add(record.certificate_id)

    def catch_up(self, tx: Transaction) -> None:
        """Add what was appended since the view was read (call inside the locked transaction)."""
        self.add(tx.records_after(self.head))

    def history(self, trainee: str) -> list[Record]:
        """The trainee's records, oldest first (as ``tx.records(trainee=...)`` returns them)."""
        return list(self.by_trainee.get(trainee, ()))

    def latest_standard(self) -> Record | None:
        return self.standards[-1] if self.standards else None
