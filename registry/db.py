"""Engine, sessions and the declarative base with a constraint naming convention."""

from __future__ import annotations

import math
import sqlite3
from typing import Any

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Deterministic constraint names so migrations can drop and alter them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs and lets writers start without a
    # lock; we take over: BEGIN is emitted by the "begin" listener below.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=FULL")
    try:
        cursor.execute("SELECT ln(1.0)")
    except sqlite3.OperationalError:
        # An SQLite built without its math functions (before 3.35, or without the option):
        # related documents' scoring needs ln(), so Python's serves in its place.
        dbapi_connection.create_function("ln", 1, _ln, deterministic=True)
    cursor.close()


def _ln(value: float | None) -> float | None:
    return math.log(value) if value is not None and value > 0 else None


#: ``writes=AT_FIRST_WRITE``: a writing transaction that reads first (a web request: the login,
#: the form, the rule assessment) and takes SQLite's write lock only at its first write.
AT_FIRST_WRITE = "at-first-write"
_PENDING = "styrdok_write_lock_pending"
_READING_STATEMENTS = ("SELECT", "PRAGMA", "EXPLAIN")


def _begin_sqlite(conn: Connection) -> None:
    # A writing transaction takes the write lock up front (IMMEDIATE), so two writers queue on
    # busy_timeout instead of one failing later with "database is locked" when it upgrades a
    # read lock. Readers (execution option writes=False) begin DEFERRED and, in WAL mode, never
    # block a writer, however long a report takes. AT_FIRST_WRITE begins as a reader and is
    # turned into an IMMEDIATE writer just before its first write (see _lock_before_first_write).
    writes = conn.get_execution_options().get("writes", True)
    conn.info[_PENDING] = False  # the flag lives on the pooled connection: clear the last one's first
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes is True else "BEGIN")
    conn.info[_PENDING] = writes == AT_FIRST_WRITE


def _lock_before_first_write(
    conn: Connection, _cursor: Any, statement: str, _parameters: Any, _context: Any, _executemany: bool
) -> None:
    if conn.info.get(_PENDING) and not statement.lstrip()[:8].upper().startswith(_READING_STATEMENTS):
        _promote(conn)


def _promote(conn: Connection) -> None:
    """End the read snapshot (nothing was written in it) and begin again holding the write lock.
    Upgrading the deferred transaction in place would fail at once with SQLITE_BUSY_SNAPSHOT
    whenever another writer committed since it began; BEGIN IMMEDIATE waits on busy_timeout.
    What was read before is re-checked where it matters: documents by their version column,
    the audit chain and rebuilds by reading again under take_write_lock."""
    conn.info[_PENDING] = False
    raw: Any = conn.connection.driver_connection
    raw.execute("COMMIT")
    raw.execute("BEGIN IMMEDIATE")


def take_write_lock(session: Session, key: int) -> None:
    """Before reading something a write depends on (the chain's last hash, a rebuild's stamp):
    on PostgreSQL an advisory lock for ``key`` until the transaction ends; on SQLite the write
    lock, which a transaction begun AT_FIRST_WRITE may not hold yet."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({int(key)})")
    elif connection.info.get(_PENDING):
        _promote(connection)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL, a busy timeout and full sync."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 10})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        event.listen(engine, "before_cursor_execute", _lock_before_first_write)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_session_factory(engine: Engine, *, writes: bool | str = True) -> sessionmaker[Session]:
    """Sessions for writing (the default), for reading only (``writes=False``), or for writing
    after reading (``writes=AT_FIRST_WRITE``: SQLite's write lock is taken at the first write)."""
    bind = engine if writes is True else engine.execution_options(writes=writes)
    return sessionmaker(bind=bind, expire_on_commit=False)
