"""Backup and restore while the register is in use.

SQLite: the online backup API copies a consistent snapshot while others keep writing (WAL).
PostgreSQL: pg_dump (custom format) and pg_restore. A restore is checked before it is used:
integrity check, schema revision, and the audit trail's hash chain.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

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


def checksum_path(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def backup(url: str, target: Path) -> None:
    """Write a consistent copy of the register to ``target``, and its sha256 beside it, so a
    copy changed or damaged afterwards (a flipped byte that leaves a valid database) is caught."""
    _write_backup(url, target)
    digest = _sha256_of(target)
    checksum_path(target).write_text(f"{digest}  {target.name}\n", encoding="ascii")


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_backup_checksum(source: Path) -> None:
    """A backup written by ``backup`` must still have the sha256 it was written with."""
    recorded = checksum_path(source)
    if not recorded.exists() or not source.exists():
        return  # a copy from before checksums were written: the checks in staging still apply
    expected = recorded.read_text(encoding="ascii").split()[:1]
    if expected != [_sha256_of(source)]:
        raise InvalidInput(
            f"Säkerhetskopian {source.name} stämmer inte med sin kontrollsumma ({recorded.name}): "
            "den har ändrats eller skadats efter att den skrevs."
        )


def _write_backup(url: str, target: Path) -> None:
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


def restore(url: str, source: Path, files: Path | None = None) -> None:
    """Replace the register's content with the backup's, but only once the backup has passed
    every check in a staging copy: integrity, schema revision, the history triggers, the audit
    chain and, with ``files``, every original file against its manifest. On any failure the live
    register is untouched (issue 13, break 6).

    :raises InvalidInput: naming what the backup failed.
    """
    if files is not None and (files / "MANIFEST.sha256").exists():
        check_manifest(files)
    check_backup_checksum(source)
    if url.startswith("sqlite"):
        check_sqlite_file(source)
        live = _sqlite_path(url)
        live.parent.mkdir(parents=True, exist_ok=True)
        staging = live.with_name(live.name + ".återställning")
        staging.unlink(missing_ok=True)
        try:
            _copy_sqlite(source, staging)
            check_staging(f"sqlite:///{staging}")
            _copy_sqlite(staging, live)  # one backup-API copy: readers see the old or the new register
        finally:
            staging.unlink(missing_ok=True)
        return
    if shutil.which("pg_restore") is None:
        raise InvalidInput("pg_restore finns inte på den här datorn; installera postgresql-client.")
    if not source.exists():
        raise InvalidInput(f"Säkerhetskopian {source} finns inte.")
    staging_url = _pg_staging(url)
    try:
        _pg_restore(staging_url, source)
        check_staging(staging_url)
        _pg_restore(url, source)  # --single-transaction: all of it or none of it
    finally:
        _pg_drop(staging_url)


def _copy_sqlite(source: Path, target: Path) -> None:
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    destination = sqlite3.connect(target, timeout=30)
    try:
        origin.backup(destination)
    finally:
        destination.close()
        origin.close()


def _pg_restore(url: str, source: Path) -> None:
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


def _pg_staging(url: str) -> str:
    """A new, empty database beside the live one, to restore into first."""
    parsed = make_url(url)
    name = f"{parsed.database}_aterstallning"
    pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


def _pg_drop(url: str) -> None:
    pg_admin(url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def pg_admin(url: str, *statements: str) -> None:
    """Statements that cannot run inside a transaction (CREATE/DROP DATABASE), on the server's
    postgres database."""
    from sqlalchemy import create_engine, text

    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        admin.dispose()


def check_manifest(files: Path) -> int:
    """Every file of a backup against its manifest hash, before anything is restored."""
    count = 0
    for line in (files / "MANIFEST.sha256").read_text(encoding="ascii").splitlines():
        digest, relative = line.split("  ", 1)
        path = files / relative
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise InvalidInput(f"Filen {relative} i säkerhetskopian saknas eller stämmer inte med sin kontrollsumma.")
        count += 1
    return count


def check_staging(url: str) -> None:
    """A restored copy is a whole Styrdok register: the schema at head, every history trigger in
    place and enabled, and an intact audit chain."""
    from sqlalchemy import text

    from registry.archive.audit import verify_chain
    from registry.db import make_engine, make_session_factory
    from registry.migrate import head_revisions

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if revision not in head_revisions():
                raise InvalidInput(
                    f"Säkerhetskopian har schemaversion {revision}, registret {', '.join(head_revisions())}; "
                    "återställ den med den version av Styrdok som gjorde den."
                )
            if engine.dialect.name == "postgresql":
                rows = connection.execute(
                    text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")
                )
            else:
                rows = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            present = {row[0] for row in rows}
        missing = sorted(set(expected_triggers()) - present)
        if missing:
            raise InvalidInput(f"Säkerhetskopian saknar registrets skydd mot ändringar ({', '.join(missing)}).")
        with make_session_factory(engine)() as session:
            chain = verify_chain(session)
        if not chain.intact:
            raise InvalidInput(f"Säkerhetskopians händelselogg är bruten vid rad {chain.broken_at}: {chain.reason}")
    finally:
        engine.dispose()


def expected_triggers() -> list[str]:
    """The triggers the migrations make (migrations.guards)."""
    from migrations.guards import GUARDED, TOMBSTONE_GUARDS, _name

    return [_name(table, operation) for table, operations in GUARDED for operation in operations] + list(
        TOMBSTONE_GUARDS
    )


def verify_register(session: Session) -> RestoreReport:
    from sqlalchemy import func, select

    from registry.archive.audit import verify_chain
    from registry.models import AuditEvent, Document

    chain = verify_chain(session)
    return RestoreReport(
        session.scalar(select(func.count()).select_from(Document)) or 0,
        session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        chain.intact,
    )
