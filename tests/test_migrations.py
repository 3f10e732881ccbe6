"""The schema is made only by migrations: one head, up and down on this backend, no drift."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

import registry.models  # noqa: F401
from registry import migrate
from registry.db import Base, make_engine


def test_history_is_linear_with_one_head():
    assert len(migrate.head_revisions()) == 1


def test_upgrade_downgrade_upgrade_round_trip(fresh_db_url):
    engine = make_engine(fresh_db_url)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revisions()[0]
    assert {"documents", "document_versions", "audit_events", "relations"} <= set(inspect(engine).get_table_names())
    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revisions()[0]
    engine.dispose()


def test_models_and_migrated_schema_do_not_drift(engine):
    import warnings

    with engine.connect() as connection, warnings.catch_warnings():
        # PostgreSQL reflection cannot read the tsvector expression indexes; they are ours on purpose.
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": migrate.include_object}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM documents",
        "DELETE FROM document_versions",
        "UPDATE document_versions SET reason = 'ändrat i efterhand'",
        "DELETE FROM audit_events",
        "UPDATE audit_events SET actor = 'någon annan'",
    ],
)
def test_database_refuses_to_delete_or_rewrite_history(db_session, make_document, statement):
    make_document(title="Skyddat dokument")
    db_session.flush()
    with pytest.raises(DatabaseError, match="historik"), db_session.begin_nested():
        db_session.execute(text(statement))
    assert db_session.execute(text("SELECT count(*) FROM documents")).scalar() >= 1
