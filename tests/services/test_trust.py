"""Trust: a tamper-evident audit trail, and what was in force on a given day."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from registry.archive.audit import verify_chain
from registry.db import AT_FIRST_WRITE
from registry.models import AuditEvent, DocumentVersion
from registry.queries.history import in_force_on
from registry.services import register_document, repeal_document, revise_document


def _disable_guard(session, table: str) -> None:
    """Change a row behind the application's back, as an intruder with database access would."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    else:
        session.execute(text(f"DROP TRIGGER IF EXISTS trg_{table}_no_update"))
        session.execute(text(f"DROP TRIGGER IF EXISTS trg_{table}_no_delete"))


def test_an_untouched_trail_verifies(db_session, make_document):
    make_document(title="A")
    make_document(title="B")
    report = verify_chain(db_session)
    assert report.intact and report.checked >= 2


@pytest.mark.parametrize("tamper", ["update", "delete"])
def test_the_first_changed_row_is_named(db_session, make_document, tamper):
    for title in ("Första", "Andra", "Tredje"):
        make_document(title=title)
    events = db_session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    victim = events[len(events) // 2]
    following = events[len(events) // 2 + 1]
    _disable_guard(db_session, "audit_events")
    if tamper == "update":
        db_session.execute(text("UPDATE audit_events SET actor = 'någon annan' WHERE id = :id"), {"id": victim.id})
        expected = victim.id
    else:
        db_session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": victim.id})
        expected = following.id
    db_session.expire_all()
    report = verify_chain(db_session)
    assert not report.intact and report.broken_at == expected


def test_in_force_on_a_day_uses_the_history(db_session, make_document):
    old = make_document(title="Policy 2019", type="policy", valid_from="2019-01-01")
    draft = make_document(title="Utkast", status="utkast")
    versions = {v.document_id: v for v in db_session.scalars(select(DocumentVersion))}
    recorded = versions[old.id].changed_at
    day_after = (recorded + dt.timedelta(days=1)).date()
    repeal_document(db_session, old.id, actor="t", reason="Inaktuell")
    # Move the repeal a week on, so the days between are "before the repeal" in the history.
    later = db_session.scalars(
        select(DocumentVersion).where(DocumentVersion.document_id == old.id, DocumentVersion.version == 2)
    ).one()
    _disable_guard(db_session, "document_versions")
    db_session.execute(
        text("UPDATE document_versions SET changed_at = :t WHERE id = :id"),
        {"t": recorded + dt.timedelta(days=7), "id": later.id},
    )
    db_session.expire_all()
    before = {d["title"] for d in in_force_on(db_session, day_after)}
    after = {d["title"] for d in in_force_on(db_session, (recorded + dt.timedelta(days=8)).date())}
    assert "Policy 2019" in before and "Utkast" not in before
    assert "Policy 2019" not in after
    assert draft.status == "utkast"


def test_revisions_keep_every_version_comparable(db_session, make_document):
    document = make_document(title="Riktlinje", owner="A")
    revise_document(db_session, document.id, {"owner": "B", "expected_version": 1, "reason": "Ny ägare"}, actor="t")
    revise_document(db_session, document.id, {"owner": "C", "expected_version": 2, "reason": "Igen"}, actor="t")
    snapshots = [v.snapshot["owner"] for v in document.versions]
    assert snapshots == ["A", "B", "C"]
    assert document.versions[2].changes == {"owner": ["B", "C"]}


def test_sqlite_connections_have_the_contract(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
        }
    assert pragmas == {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 2, "busy_timeout": 10000}


def _write_many(url: str, prefix: str, count: int, writes=True) -> int:
    from registry.db import make_engine, make_session_factory
    from registry.services import register_document

    engine = make_engine(url)
    errors = 0
    for number in range(count):
        try:
            with make_session_factory(engine, writes=writes)() as session:
                session.execute(select(DocumentVersion.id).limit(1)).all()  # a request reads first
                register_document(session, {"title": f"{prefix} {number}", "type": "rutin"}, actor=prefix)
                session.commit()
        except Exception:  # noqa: BLE001 - any failure counts; we expect none
            errors += 1
    engine.dispose()
    return errors


@pytest.mark.parametrize("writes", [True, AT_FIRST_WRITE], ids=["lock-up-front", "lock-at-first-write"])
def test_parallel_writers_never_see_database_is_locked(fresh_db_url, writes):
    import multiprocessing

    from sqlalchemy import func

    from registry import migrate
    from registry.db import make_engine, make_session_factory
    from registry.models import Document

    engine = make_engine(fresh_db_url)
    migrate.upgrade(engine)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        errors = pool.starmap(_write_many, [(fresh_db_url, "A", 60, writes), (fresh_db_url, "B", 60, writes)])
    with make_session_factory(engine)() as session:
        count = session.scalar(select(func.count()).select_from(Document))
        chain = verify_chain(session)
    engine.dispose()
    assert errors == [0, 0] and count == 120
    assert chain.intact  # two writers, one unbroken chain


def test_two_editors_of_the_same_version_one_wins(fresh_db_url):
    from registry import migrate
    from registry.db import make_engine, make_session_factory
    from registry.errors import StaleVersion

    engine = make_engine(fresh_db_url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as session:
        document = register_document(session, {"title": "Delad riktlinje", "type": "riktlinje"}, actor="a")
        session.commit()
        document_id = document.id
    # Both editors read version 1 (as their forms did), then save one after the other.
    with make_session_factory(engine, writes=False)() as reader:
        seen = reader.get(type(document), document_id).version
    first, second = sessions(), sessions()
    revise_document(first, document_id, {"owner": "Först", "expected_version": seen, "reason": "r"}, actor="första")
    first.commit()
    with pytest.raises(StaleVersion):
        revise_document(second, document_id, {"owner": "Sen", "expected_version": seen, "reason": "r"}, actor="andra")
    second.rollback()
    with sessions() as session:
        versions = session.scalars(select(DocumentVersion).where(DocumentVersion.document_id == document_id)).all()
        assert [v.version for v in versions] == [1, 2] and versions[-1].snapshot["owner"] == "Först"
    first.close()
    second.close()
    engine.dispose()


def test_a_web_write_holds_sqlite_s_write_lock_only_while_it_writes(fresh_db_url):
    """A request that reads (login, form, rule assessment) lets other writers through until its
    first write; one that commits in between does not make it fail."""
    import sqlite3

    from registry import migrate
    from registry.db import make_engine, make_session_factory

    if not fresh_db_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    engine = make_engine(fresh_db_url)
    migrate.upgrade(engine)
    request = make_session_factory(engine, writes=AT_FIRST_WRITE)()
    request.execute(select(DocumentVersion.id)).all()  # the reading part of the request
    other = sqlite3.connect(fresh_db_url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # would raise "database is locked" if the request held it
    other.execute("INSERT INTO register_settings (key, value) VALUES ('annan', 'skrivare')")
    other.execute("COMMIT")
    register_document(request, {"title": "Skrivs efter läsningen", "type": "rutin"}, actor="webb")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")  # now the request holds it, until it commits
    request.commit()
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()
    with make_session_factory(engine)() as session:
        assert verify_chain(session).intact
    request.close()
    engine.dispose()


def test_editors_who_read_before_the_lock_still_lose_cleanly(fresh_db_url):
    """The second editor read version 1 before the first saved; with the lock taken at the first
    write it is told (StaleVersion), never given "database is locked" or a lost update."""
    from registry import migrate
    from registry.db import make_engine, make_session_factory
    from registry.errors import StaleVersion

    engine = make_engine(fresh_db_url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine, writes=AT_FIRST_WRITE)
    with sessions() as session:
        document = register_document(session, {"title": "Delad rutin", "type": "rutin"}, actor="a")
        session.commit()
        document_id = document.id
    first, second = sessions(), sessions()
    first.get(type(document), document_id)
    second.get(type(document), document_id)  # both forms loaded version 1
    revise_document(first, document_id, {"owner": "Först", "expected_version": 1, "reason": "r"}, actor="första")
    first.commit()
    with pytest.raises(StaleVersion):
        revise_document(second, document_id, {"owner": "Sen", "expected_version": 1, "reason": "r"}, actor="andra")
    second.rollback()
    first.close()
    second.close()
    engine.dispose()
