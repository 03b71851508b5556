"""The certification registry: append-only, hash-chained records in any SQLAlchemy database.

Default: a SQLite file (``DIR/certification/registry.db``), no setup. Clinic groups
give a database URL (``--registry`` or ``MESOCOURSE_REGISTRY``; which one is in
force is :func:`course.coursedir.registry_url`); PostgreSQL is tested. Writers are
serialised so two instructors certifying at once lose nothing and break no chain:
SQLite transactions start with ``BEGIN IMMEDIATE``, PostgreSQL ones take
``pg_advisory_xact_lock``, other databases lock the chain-head row with ``SELECT ...
FOR UPDATE``. On SQLite and PostgreSQL, triggers refuse UPDATE and DELETE of
records, so a registry never changes by accident; deliberate tampering (dropping the
triggers first) is what ``verify --registry`` detects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError

from course.coursedir import SQLITE_HEADER, sqlite_file

from .chain import GENESIS, Record, canonical_json, chain_problems, record_hash
from .errors import CertificationError, RegistryTampered

OBSERVATION, STANDARD_SET, DECISION, CERTIFICATE, REVOCATION = (
    "observation", "standard_set", "decision", "certificate", "revocation",
)
EXAM_ACCEPTANCE = "exam_outside_session_accepted"  # an exam result handed in outside a session, accepted (why)
_LOCK_KEY = 0x6D65736F  # pg_advisory_xact_lock key ("meso")

metadata = MetaData()
records_table = Table(
    "registry_records", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(32), nullable=False),
    Column("trainee", String(128), index=True),
    Column("certificate_id", String(64), index=True),
    Column("recorded_at", String(40), nullable=False),
    Column("recorded_by", String(128), nullable=False),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)
head_table = Table(
    "registry_head", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)
_APPEND_ONLY: dict[str, tuple[str, ...]] = {
    "sqlite": tuple(
        f"CREATE TRIGGER registry_records_no_{verb.lower()} BEFORE {verb} ON registry_records "
        "BEGIN SELECT RAISE(ABORT, 'registry records are append-only'); END"
        for verb in ("UPDATE", "DELETE")
    ),
    "postgresql": (
        "CREATE FUNCTION registry_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'registry records are append-only'; END $$",
        "CREATE TRIGGER registry_records_no_change BEFORE UPDATE OR DELETE ON registry_records "
        "FOR EACH ROW EXECUTE FUNCTION registry_append_only()",
        "CREATE TRIGGER registry_records_no_truncate BEFORE TRUNCATE ON registry_records "
        "FOR EACH STATEMENT EXECUTE FUNCTION registry_append_only()",
    ),
}


def _parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CertificationError(f"registry: '{url}' is not a database URL (e.g. sqlite:///registry.db)") from None
    if parsed.drivername == "postgresql":  # psycopg 3 is the driver the project installs
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def require_actor(by: str) -> str:
    """Who records, checked before anything is opened: every record names them."""
    if not by.strip():
        raise CertificationError("--by: give the name of who records this")
    return by


def display_url(url: str) -> str:
    """The registry URL as it may be shown: any password hidden."""
    return _parse_url(url).render_as_string(hide_password=True)


def _check_sqlite_file(path: Path, create: bool) -> None:
    """A registry file is an SQLite database; a new one is made only by a writer, in an existing folder."""
    if path.is_file():
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
        if header and header != SQLITE_HEADER:
            raise CertificationError(f"{path}: not a certification registry (not an SQLite database)")
        return
    if path.exists():
        raise CertificationError(f"{path}: not a certification registry (not a file)")
    if not create:
        raise CertificationError(f"no certification registry at {path} (nothing recorded yet, or give --registry)")
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise CertificationError(f"registry {path}: {folder} is not a folder")
    if not folder.exists():  # the course's own certification/ folder is made; nothing further up
        if not folder.parent.is_dir():
            raise CertificationError(f"registry {path}: the folder {folder.parent} does not exist")
        try:
            folder.mkdir()
        except OSError as error:
            raise CertificationError(f"registry {path}: cannot make its folder ({error.strerror})") from None


def _engine(url: URL) -> Engine:
    if url.get_backend_name() != "sqlite":
        return create_engine(url)
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below take effect

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock, taken at the start

    return engine


def _lock_chain(conn: Connection) -> None:
    """Serialise writers (SQLite: already locked by BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    elif conn.dialect.name != "sqlite" and inspect(conn).has_table(head_table.name):
        conn.execute(select(head_table.c.seq).with_for_update())


def _read_records(conn: Connection, after: int = 0, **filters: str | None) -> list[Record]:
    query = select(records_table).where(records_table.c.seq > after).order_by(records_table.c.seq)
    for column, value in filters.items():
        if value is not None:
            query = query.where(records_table.c[column] == value)
    return [Record(**row._mapping) for row in conn.execute(query)]


class Transaction:
    """Reads and appends inside one locked database transaction."""

    def __init__(self, conn: Connection, actor: str) -> None:
        self._conn, self.actor = conn, actor
        self.appended: list[Record] = []

    def records(self, *, kind: str | None = None, trainee: str | None = None,
                certificate_id: str | None = None) -> list[Record]:
        """Records matching every filter given, oldest first."""
        return _read_records(self._conn, kind=kind, trainee=trainee, certificate_id=certificate_id)

    def records_after(self, seq: int) -> list[Record]:
        """Every record appended after record ``seq``, oldest first (the primary key: no scan)."""
        return _read_records(self._conn, after=seq)

    def append(self, kind: str, payload: dict[str, Any], *, trainee: str | None = None,
               certificate_id: str | None = None) -> Record:
        """Append one record after the chain head and move the head to it."""
        if not self.actor.strip():
            raise CertificationError("a registry record needs the name of who records it")
        head = self._conn.execute(select(head_table.c.seq, head_table.c.hash).where(head_table.c.id == 1)).one()
        fields = dict(
            seq=head.seq + 1, kind=kind, trainee=trainee, certificate_id=certificate_id,
            recorded_at=datetime.now(timezone.utc).isoformat(timespec="microseconds"),
            recorded_by=self.actor, payload=canonical_json(payload), prev_hash=head.hash,
        )
        record = Record(**fields, hash=record_hash(**fields))
        try:
            self._conn.execute(insert(records_table).values(**fields, hash=record.hash))
        except IntegrityError:
            raise CertificationError(
                f"registry: record {record.seq} already exists although the chain head says "
                f"{head.seq} is the last: run `mesocourse verify --registry`"
            ) from None
        self._conn.execute(update(head_table).where(head_table.c.id == 1).values(seq=record.seq, hash=record.hash))
        self.appended.append(record)
        return record


BeforeCommit = Callable[[Connection, list[Record]], None]


class Registry:
    """A registry database. ``create=False`` refuses to create one (for read-only commands).

    ``before_commit``, when set, runs at the end of every transaction that appended
    records, still under the write lock (the signed checkpoint, ``checkpoints``);
    if it raises, the transaction is rolled back.
    """

    before_commit: BeforeCommit | None = None

    def __init__(self, url: str, *, create: bool) -> None:
        parsed = _parse_url(url)
        self.display_url = parsed.render_as_string(hide_password=True)
        database = sqlite_file(url)
        if database is not None:
            _check_sqlite_file(database, create)
        self.engine = _engine(parsed)
        try:
            self._open(create)
        except BaseException as error:
            self.engine.dispose()
            if isinstance(error, DBAPIError):
                reason = " ".join(str(error.orig).split())
                raise CertificationError(f"cannot open registry {self.display_url}: {reason}") from None
            raise

    def _open(self, create: bool) -> None:
        with self.engine.begin() as conn:
            _lock_chain(conn)
            tables = set(inspect(conn).get_table_names())
            if records_table.name in tables:
                return
            if not create:
                raise CertificationError(f"no certification registry in {self.display_url} (nothing recorded yet?)")
            if conn.dialect.name == "sqlite" and tables:
                raise CertificationError(f"{self.display_url}: a database, but not a certification registry "
                                         f"(it holds other tables: {', '.join(sorted(tables))})")
            metadata.create_all(conn)
            for statement in _APPEND_ONLY.get(conn.dialect.name, ()):
                conn.exec_driver_sql(statement)
            conn.execute(insert(head_table).values(id=1, seq=0, hash=GENESIS))

    @contextmanager
    def transaction(self, actor: str = "") -> Iterator[Transaction]:
        """A locked transaction: committed when the block ends, rolled back on error."""
        with self.engine.begin() as conn:
            _lock_chain(conn)
            tx = Transaction(conn, actor)
            yield tx
            if tx.appended and self.before_commit is not None:
                self.before_commit(conn, tx.appended)

    def records(self, *, kind: str | None = None, trainee: str | None = None,
                certificate_id: str | None = None) -> list[Record]:
        """Records matching every filter given, oldest first."""
        with self.transaction() as tx:
            return tx.records(kind=kind, trainee=trainee, certificate_id=certificate_id)

    def check(self, also: Callable[[list[Record]], list[str]] | None = None) -> tuple[list[Record], list[str]]:
        """(every record, every break in the hash chain); no problems means intact.

        ``also`` adds the problems of another check of the same records, run while
        writers are locked out (the signed checkpoint, written by writers under the lock).
        """
        with self.engine.begin() as conn:
            _lock_chain(conn)
            records = _read_records(conn)
            head = conn.execute(select(head_table.c.seq, head_table.c.hash).where(head_table.c.id == 1)).one_or_none()
            more = also(records) if also is not None else []
        if head is None:
            return records, ["the chain head row is missing (deleted)", *more]
        return records, chain_problems(records, head.seq, head.hash) + more

    def require_intact(self) -> None:
        """Refuse to use a tampered registry: raise with every problem listed."""
        _, problems = self.check()
        if problems:
            raise RegistryTampered(f"registry {self.display_url} has been tampered with; refusing to use it "
                                   f"(run `mesocourse verify --registry` for every problem): {'; '.join(problems)}")

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> "Registry":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_intact(url: str, *, create: bool) -> Registry:
    """The registry at ``url``, refused (:class:`RegistryTampered`) if its hash chain is broken."""
    registry = Registry(url, create=create)
    try:
        registry.require_intact()
    except BaseException:
        registry.close()
        raise
    return registry
