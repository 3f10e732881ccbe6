"""Backup and restore while the register is in use.

SQLite: the online backup API copies a consistent snapshot while others keep writing (WAL).
PostgreSQL: pg_dump (custom format) and pg_restore. A restore is checked before it is used:
integrity check, schema revision, and the audit trail's hash chain.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from registry.errors import InvalidInput


@dataclass
class RestoreReport:
    documents: int
    audit_rows: int
    chain_intact: bool


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(url: str, target: Path) -> None:
    """Write a consistent copy of the register to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(url), timeout=30)
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination, pages=1024)
        finally:
            destination.close()
            source.close()
        return
    if shutil.which("pg_dump") is None:
        raise InvalidInput("pg_dump finns inte på den här datorn; installera postgresql-client.")
    completed = subprocess.run(
        ["pg_dump", "--format=custom", "--file", str(target), _libpq(url)], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise InvalidInput(f"pg_dump misslyckades: {completed.stderr.strip().splitlines()[-1:]}")


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not an intact Styrdok register."""
    if not path.exists():
        raise InvalidInput(f"Säkerhetskopian {path} finns inte.")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        raise InvalidInput(f"{path} är inte en SQLite-databas.") from None
    if result != "ok":
        raise InvalidInput(f"Säkerhetskopian {path} är skadad: {result}.")
    if revision is None:
        raise InvalidInput(f"{path} är inte ett Styrdok-register (ingen schemaversion).")


def restore(url: str, source: Path) -> None:
    """Replace the register's content with the backup's (after checking the backup)."""
    if url.startswith("sqlite"):
        check_sqlite_file(source)
        live = _sqlite_path(url)
        live.parent.mkdir(parents=True, exist_ok=True)
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        destination = sqlite3.connect(live, timeout=30)
        try:
            origin.backup(destination)
        finally:
            destination.close()
            origin.close()
        return
    if shutil.which("pg_restore") is None:
        raise InvalidInput("pg_restore finns inte på den här datorn; installera postgresql-client.")
    if not source.exists():
        raise InvalidInput(f"Säkerhetskopian {source} finns inte.")
    completed = subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            _libpq(url),
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise InvalidInput(f"pg_restore misslyckades: {completed.stderr.strip().splitlines()[-1:]}")


def verify_register(session) -> RestoreReport:
    from sqlalchemy import func, select

    from registry.audit import verify_chain
    from registry.models import AuditEvent, Document

    chain = verify_chain(session)
    return RestoreReport(
        session.scalar(select(func.count()).select_from(Document)),
        session.scalar(select(func.count()).select_from(AuditEvent)),
        chain.intact,
    )
