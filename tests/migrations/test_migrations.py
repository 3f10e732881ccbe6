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


def test_the_quick_schema_question_answers_as_alembic_does(fresh_db_url):
    """Every CLI command asks whether the schema is current without loading Alembic; the
    answer must be Alembic's own, before, during and after the migrations."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revisions() == tuple(scripts.get_heads())
    engine = make_engine(fresh_db_url)

    def alembic_current():
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    assert migrate.current_revision(engine) is None and alembic_current() is None
    some_way = [r.revision for r in scripts.walk_revisions()][len(migrate.head_revisions()) + 3]
    migrate.upgrade(engine, some_way)
    assert migrate.current_revision(engine) == alembic_current() == some_way
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == alembic_current() == migrate.head_revisions()[0]
    engine.dispose()


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


def test_the_kfs_numbering_migration_numbers_public_documents_in_decided_order_and_keeps_the_guards(fresh_db_url):
    """Up with data in the tables: public documents numbered per year of their decision, drafts
    not; the history triggers survive (no table copy); down drops the numbers and nothing else."""
    engine = make_engine(fresh_db_url)
    migrate.upgrade(engine, "b2d4f6a8c0e1")
    now = "2026-11-30 10:00:00"
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO bodies (id, key, name, level) VALUES (1, 'KF', 'Kommunfullmäktige', 'fullmäktige')")
        )
        connection.execute(
            text(
                "INSERT INTO decisions (id, body_id, meeting_date, paragraph, outcome, reservations, created_at) VALUES "
                "(1, 1, '2024-06-10', '40', 'antagen', '[]', :now), (2, 1, '2024-02-05', '7', 'antagen', '[]', :now)"
            ),
            {"now": now},
        )
        for doc_id, status, decision, valid_from in (
            ("a-later", "gällande", 1, None),
            ("b-earlier", "upphävd", 2, None),
            ("c-draft", "utkast", None, None),
            ("d-valid", "under beredning", None, "2025-01-01"),
        ):
            connection.execute(
                text(
                    "INSERT INTO documents (id, title, type_key, status, scope, decision_id, valid_from, created_at, "
                    "updated_at, version) VALUES (:id, :id, 'policy', :status, 'kommunövergripande', :decision, "
                    ":valid_from, :now, :now, 1)"
                ),
                {"id": doc_id, "status": status, "decision": decision, "valid_from": valid_from, "now": now},
            )
    migrate.upgrade(engine, "c3e5a7b9d1f2")
    with engine.connect() as connection:
        numbers = dict(
            (row[0], (row[1], row[2]))
            for row in connection.execute(text("SELECT id, kfs_year, kfs_number FROM documents"))
        )
    assert numbers == {
        "b-earlier": (2024, 1),
        "a-later": (2024, 2),
        "c-draft": (None, None),
        "d-valid": (2025, 1),
    }
    with pytest.raises(DatabaseError, match="historik"), engine.begin() as connection:
        connection.execute(text("DELETE FROM documents WHERE id = 'a-later'"))
    migrate.downgrade(engine, "b2d4f6a8c0e1")
    assert "kfs_number" not in {c["name"] for c in inspect(engine).get_columns("documents")}
    with pytest.raises(DatabaseError, match="historik"), engine.begin() as connection:
        connection.execute(text("DELETE FROM documents WHERE id = 'a-later'"))
    engine.dispose()


CHAIN_MIGRATION = "migrations/versions/20261127_0509_303edce026aa_chain_the_audit_trail_with_hashes.py"


def test_the_chain_migration_links_existing_rows_so_that_todays_verify_passes(fresh_db_url):
    """Up with audit rows in the table (written before there was a chain): every row gets its
    link and hash, and the application's verify, as it is today, accepts the result."""
    from registry.archive.audit import verify_chain
    from registry.db import make_session_factory

    engine = make_engine(fresh_db_url)
    migrate.upgrade(engine, "ba6907bbcdd9")
    with engine.begin() as connection:
        for number, (action, after) in enumerate(
            [
                ("document.created", '{"title": "Policy för lokaler"}'),
                ("user.login", None),
                ("document.revised", '{"owner": "Åsa"}'),
            ],
            start=1,
        ):
            connection.execute(
                text(
                    "INSERT INTO audit_events (id, occurred_at, actor, action, entity_type, entity_id, before, after) "
                    "VALUES (:id, :at, 'anna', :action, 'document', 'd1', NULL, :after)"
                ),
                {"id": number, "at": f"2026-11-2{number} 09:30:00.123456", "action": action, "after": after},
            )
    migrate.upgrade(engine)
    with make_session_factory(engine, writes=False)() as session:
        report = verify_chain(session)
    engine.dispose()
    assert report.intact and report.checked == 3


def test_the_chain_migration_carries_its_own_hash_function():
    """A migration must not change when the application does: it copies the hash it chained
    with, and the application's must still give the same (or old trails would stop verifying)."""
    import ast
    import datetime as dt
    import importlib.util

    from registry.archive.audit import chain_hash
    from registry.config import PROJECT_ROOT

    path = PROJECT_ROOT / CHAIN_MIGRATION
    imported = {
        (node.module or "").split(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert "registry" not in imported and "web" not in imported
    spec = importlib.util.spec_from_file_location("chain_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for moment, before, after in (
        (dt.datetime(2026, 11, 27, 5, 9, 24, 633440), None, {"title": "Riktlinjer för ÅÄÖ"}),
        (dt.datetime(2026, 1, 1, tzinfo=dt.UTC), {"n": [1, 2]}, None),
    ):
        values = {
            "occurred_at": moment,
            "actor": "anna",
            "action": "document.created",
            "entity_type": "document",
            "entity_id": "d1",
            "before": before,
            "after": after,
            "prev_hash": "ab" * 32,
        }
        assert module.chain_hash(**values) == chain_hash(**values)


def test_the_vector_migration_packs_each_stored_vector_as_the_application_does(fresh_db_url):
    """Up with term vectors in related_terms (a register from before related_vectors): each
    document gets its one row, the bytes the application's own packing gives, so the overlaps
    report of an upgraded register reads the same vectors a rebuild would write."""
    from registry.similarity.related_store import packed_vector

    engine = make_engine(fresh_db_url)
    migrate.upgrade(engine, "f6b8d0e2a4c5")
    vectors = {
        "d1": {"skolskjuts": 2.0986, "hållplats": 1.0, "färdtid": 1.6931},
        "d2": {"bredband": 1.0, "landsbygd": 1.0},
    }
    now = "2026-12-07 10:00:00"
    with engine.begin() as connection:
        for document_id, vector in vectors.items():
            connection.execute(
                text(
                    "INSERT INTO documents (id, title, type_key, status, scope, created_at, updated_at, version) "
                    "VALUES (:id, :id, 'policy', 'gällande', 'kommunövergripande', :now, :now, 1)"
                ),
                {"id": document_id, "now": now},
            )
            for term, weight in vector.items():
                connection.execute(
                    text("INSERT INTO related_terms (document_id, term, weight, surface) VALUES (:d, :t, :w, :t)"),
                    {"d": document_id, "t": term, "w": weight},
                )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        stored = {
            row[0]: (bytes(row[1]), bytes(row[2]))
            for row in connection.execute(text("SELECT document_id, hashes, weights FROM related_vectors"))
        }
    assert stored == {d: packed_vector({t: (w, t) for t, w in v.items()}) for d, v in vectors.items()}
    migrate.downgrade(engine, "f6b8d0e2a4c5")
    assert "related_vectors" not in inspect(engine).get_table_names()
    engine.dispose()


def _revisions_in_order() -> list[str]:
    from alembic.script import ScriptDirectory

    return [r.revision for r in reversed(list(ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()))]


def test_each_revision_goes_up_down_and_up_again_with_a_register_in_the_tables(fresh_db_url):
    """Step by step from the first revision, with a document, its version and an audit event in
    the tables: every revision's downgrade and upgrade run on data, and what the register holds
    is still there after each round."""
    revisions = _revisions_in_order()
    engine = make_engine(fresh_db_url)
    migrate.upgrade(engine, revisions[0])
    now = "2026-12-07 10:00:00"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO documents (id, title, type_key, status, scope, created_at, updated_at, version) "
                "VALUES ('d1', 'Policy för lokaler', 'policy', 'gällande', 'kommunövergripande', :now, :now, 1)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO audit_events (id, occurred_at, actor, action, entity_type, entity_id, before, after) "
                "VALUES (1, :now, 'anna', 'document.created', 'document', 'd1', NULL, '{}')"
            ),
            {"now": now},
        )

    def held() -> tuple:
        with engine.connect() as connection:
            return (
                connection.execute(text("SELECT id, title, status FROM documents")).all(),
                connection.execute(text("SELECT id, action, entity_id FROM audit_events")).all(),
            )

    before = held()
    for previous, revision in zip(revisions, revisions[1:]):
        migrate.upgrade(engine, revision)
        migrate.downgrade(engine, previous)
        assert migrate.current_revision(engine) == previous
        migrate.upgrade(engine, revision)
        assert held() == before, revision
    engine.dispose()


def test_every_downgrade_says_what_it_does_to_data():
    """A downgrade that drops a table or a column says whether data goes with it (Destructive:)
    or only derived data (Derived data:), in a comment a reader meets before running it."""
    import ast

    from registry.config import PROJECT_ROOT

    for script in sorted((PROJECT_ROOT / "migrations" / "versions").glob("*.py")):
        source = script.read_text(encoding="utf-8")
        tree = ast.parse(source)
        downgrade = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "downgrade")
        body = ast.get_source_segment(source, downgrade) or ""
        if "drop_table" in body or "drop_column" in body or "DROP COLUMN" in body:
            assert "# Destructive:" in body or "# Derived data" in body, script.name
