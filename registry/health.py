"""Is the register able to do its work? For /healthz: the database answers and takes writes,
and the disk the originals and the SQLite file live on has room. Every probe is quick and
never waits for a writer: a health check must not queue behind the work it reports on."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

#: Below this much free space uploads and saves are about to fail: say so before they do.
MIN_FREE_BYTES = 64 * 1024 * 1024


@dataclass
class Health:
    database: str = "ok"
    disk: str = "ok"

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.disk == "ok"

    def as_json(self) -> dict[str, str]:
        return {"status": "ok" if self.ok else "fel", "database": self.database, "disk": self.disk}


def check_health(engine: Engine, instance_dir: Path, min_free_bytes: int = MIN_FREE_BYTES) -> Health:
    health = Health()
    try:
        health.database = _database_state(engine)
    except Exception:  # noqa: BLE001 — any failure means "not answering", said without details
        health.database = "svarar inte"
    folders = [Path(instance_dir)]
    if engine.dialect.name == "sqlite" and engine.url.database:
        folders.append(Path(engine.url.database).parent)
    for folder in folders:
        state = _disk_state(folder, min_free_bytes)
        if state != "ok":
            health.disk = state
            break
    return health


def _database_state(engine: Engine) -> str:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            recovering, read_only = connection.execute(
                text("SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")
            ).one()
        return "skrivskyddad" if recovering or read_only == "on" else "ok"
    return _sqlite_state(engine)


def _sqlite_state(engine: Engine) -> str:
    raw = engine.raw_connection()
    connection: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
    try:
        connection.execute("PRAGMA busy_timeout=0")
        pages, limit = (connection.execute(f"PRAGMA {name}").fetchone()[0] for name in ("page_count", "max_page_count"))
        if pages >= limit:
            return "full"
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                return "ok"  # a writer holds the lock just now: the database takes writes
            if "readonly" in str(error):
                return "skrivskyddad"
            raise
        try:
            # Takes no row and writes nothing, but SQLite asks for write access to run it.
            connection.execute("UPDATE register_settings SET key = key WHERE 0")
        except sqlite3.OperationalError as error:
            if "readonly" in str(error):
                return "skrivskyddad"
            raise
        finally:
            connection.execute("ROLLBACK")
        return "ok"
    finally:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("PRAGMA busy_timeout=10000")
        raw.close()


def _disk_state(folder: Path, min_free_bytes: int) -> str:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return "går inte att läsa"
    if free < min_free_bytes:
        return f"nästan full ({free // (1024 * 1024)} MB kvar)"
    import os

    if os.statvfs(folder).f_flag & os.ST_RDONLY:
        return "skrivskyddad"
    return "ok"
