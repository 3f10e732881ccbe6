"""Add the search index

Search entries hold each document's Swedish stems (and the same stems reversed, for compound
heads). SQLite gets an FTS5 table kept in step by triggers; PostgreSQL gets GIN indexes over
simple-configuration tsvectors. Both are queried with the same analysed terms, so the same query
finds the same documents on both.

Revision ID: ba6907bbcdd9
Revises: 262a8e41a064
Create Date: 2026-11-27 04:50:42.724330
"""

import sqlalchemy as sa
from alembic import op

revision = "ba6907bbcdd9"
down_revision = "262a8e41a064"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("reversed_terms", sa.Text(), nullable=False),
        sa.Column("sort_key", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_search_entries_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
        sa.UniqueConstraint("document_id", name=op.f("uq_search_entries_document_id")),
    )
    op.create_index(op.f("ix_search_entries_sort_key"), "search_entries", ["sort_key"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # unicode61 with remove_diacritics 0: "får" is not "far", "mål" is not "mal".
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(terms, reversed_terms, content='search_entries', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
        )
        op.execute(
            "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
            "INSERT INTO search_fts(rowid, terms, reversed_terms) VALUES (new.id, new.terms, new.reversed_terms); END"
        )
        op.execute(
            "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, terms, reversed_terms) "
            "VALUES ('delete', old.id, old.terms, old.reversed_terms); END"
        )
        op.execute(
            "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, terms, reversed_terms) "
            "VALUES ('delete', old.id, old.terms, old.reversed_terms); "
            "INSERT INTO search_fts(rowid, terms, reversed_terms) VALUES (new.id, new.terms, new.reversed_terms); END"
        )
    else:
        op.execute(
            "CREATE INDEX ix_search_entries_terms_tsv ON search_entries "
            "USING gin (to_tsvector('simple'::regconfig, terms))"
        )
        op.execute(
            "CREATE INDEX ix_search_entries_reversed_tsv ON search_entries "
            "USING gin (to_tsvector('simple'::regconfig, reversed_terms))"
        )


def downgrade() -> None:
    # Derived data only: `styrdok init` indexes the documents again.
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("search_entries_ai", "search_entries_ad", "search_entries_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_search_entries_terms_tsv")
        op.execute("DROP INDEX IF EXISTS ix_search_entries_reversed_tsv")
    op.drop_index(op.f("ix_search_entries_sort_key"), table_name="search_entries")
    op.drop_table("search_entries")
