"""Stored tsvectors for PostgreSQL search

On PostgreSQL every search recomputed to_tsvector on each row: the planner walked all documents in
title order and tested each one (6.8-7.3 s per single-word query at 100,000 documents), since an
expression index is easy to miss behind a sort. Now the vectors are stored, generated columns
(always in step with the terms, no trigger of ours) with GIN indexes on them, and the query
matches first and sorts only the matches. SQLite keeps its FTS5 table; nothing changes there.

Revision ID: e5a7c9d1f3b4
Revises: d4f6b8c0e2a3
Create Date: 2026-12-01 12:30:00
"""

from alembic import op

revision = "e5a7c9d1f3b4"
down_revision = "d4f6b8c0e2a3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column, source in (("terms_tsv", "terms"), ("reversed_tsv", "reversed_terms")):
        op.execute(
            f"ALTER TABLE search_entries ADD COLUMN {column} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {source})) STORED"
        )
        op.execute(f"CREATE INDEX ix_search_entries_{column}_stored_tsv ON search_entries USING gin ({column})")
    op.execute("DROP INDEX IF EXISTS ix_search_entries_terms_tsv")
    op.execute("DROP INDEX IF EXISTS ix_search_entries_reversed_tsv")


def downgrade() -> None:
    # Derived data only: the stored tsvectors go, the expression indexes come back.
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_search_entries_terms_tsv ON search_entries USING gin (to_tsvector('simple'::regconfig, terms))"
    )
    op.execute(
        "CREATE INDEX ix_search_entries_reversed_tsv ON search_entries "
        "USING gin (to_tsvector('simple'::regconfig, reversed_terms))"
    )
    for column in ("terms_tsv", "reversed_tsv"):
        op.execute(f"DROP INDEX IF EXISTS ix_search_entries_{column}_stored_tsv")
        op.execute(f"ALTER TABLE search_entries DROP COLUMN {column}")
