"""Store each related-documents vector in one row

The overlaps report reads every live document's vector; from related_terms that was 8 million
rows at 100,000 documents, most of the report's time. related_vectors holds each vector as two
packed arrays (term hashes and weights). Derived data, filled here from related_terms and kept
by every write after (registry.similarity.related_store.packed_vector packs them the same way).

Revision ID: a7c9e1f3b5d6
Revises: f6b8d0e2a4c5
Create Date: 2026-12-07 18:00:00
"""

import hashlib
from array import array
from itertools import groupby

import sqlalchemy as sa
from alembic import op

revision = "a7c9e1f3b5d6"
down_revision = "f6b8d0e2a4c5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "related_vectors",
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("hashes", sa.LargeBinary(), nullable=False),
        sa.Column("weights", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_related_vectors_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_related_vectors")),
    )
    _fill_from_related_terms()


def _packed(vector: list[tuple[str, float]]) -> dict[str, bytes]:
    # As registry.similarity.related_store.packed_vector, kept here so that this revision packs
    # the same bytes whatever that module becomes.
    pairs = sorted(
        (int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little"), w) for t, w in vector
    )
    return {
        "hashes": array("Q", (h for h, _ in pairs)).tobytes(),
        "weights": array("d", (w for _, w in pairs)).tobytes(),
    }


def _fill_from_related_terms() -> None:
    connection = op.get_bind()
    terms = sa.table("related_terms", sa.column("document_id"), sa.column("term"), sa.column("weight"))
    vectors = sa.table(
        "related_vectors",
        sa.column("document_id"),
        sa.column("hashes", sa.LargeBinary),
        sa.column("weights", sa.LargeBinary),
    )
    rows = connection.execute(
        sa.select(terms.c.document_id, terms.c.term, terms.c.weight)
        .order_by(terms.c.document_id)
        .execution_options(yield_per=20_000)  # streamed: 8 million rows at 100,000 documents
    )
    batch: list[dict] = []
    for document_id, group in groupby(rows, key=lambda row: row[0]):
        batch.append({"document_id": document_id, **_packed([(term, weight) for _, term, weight in group])})
        if len(batch) == 1000:
            connection.execute(sa.insert(vectors), batch)
            batch = []
    if batch:
        connection.execute(sa.insert(vectors), batch)


def downgrade() -> None:
    # Derived data only: related_terms holds the same vectors, nothing is lost.
    op.drop_table("related_vectors")
