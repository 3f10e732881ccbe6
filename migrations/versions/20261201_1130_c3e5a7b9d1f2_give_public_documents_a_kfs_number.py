"""Give public documents a KFS number

A stable address for a document as decided (/kfs/{kommun}/{typ}/{år}/{löpnummer}) needs a number
that never changes: the year and running number a document gets when it is first made public, as
in a kommunal författningssamling ("KFS 2025:3"). Drafts get none, so the public sequence has no
gaps that betray them. The tombstone of a culled document keeps its number, so the address answers
410 rather than 404. Documents already public are numbered here in the order they were decided.

Revision ID: c3e5a7b9d1f2
Revises: b2d4f6a8c0e1
Create Date: 2026-12-01 11:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c3e5a7b9d1f2"
down_revision = "b2d4f6a8c0e1"
branch_labels = None
depends_on = None

#: The statuses the public may read when this revision was written (vocabulary.PUBLIC_STATUSES).
_PUBLIC = ("gällande", "under beredning", "upphävd", "ersatt")


def upgrade() -> None:
    # Plain ALTER TABLE and a unique index, never a batch copy of the table: on SQLite a copy
    # would drop the history triggers on documents and the guards on culled_documents.
    for table in ("documents", "culled_documents"):
        op.add_column(table, sa.Column("kfs_year", sa.Integer(), nullable=True))
        op.add_column(table, sa.Column("kfs_number", sa.Integer(), nullable=True))
    op.create_index("uq_documents_kfs", "documents", ["kfs_year", "kfs_number"], unique=True)
    _number_public_documents()


def _number_public_documents() -> None:
    """Number what is already public: per year of its decision (else its validity, else its
    registration), in the order decided, ties broken by registration and id."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT d.id, dec.meeting_date, d.valid_from, d.created_at FROM documents d "
            "LEFT JOIN decisions dec ON dec.id = d.decision_id WHERE d.status IN :public"
        ).bindparams(sa.bindparam("public", expanding=True)),
        {"public": list(_PUBLIC)},
    ).all()

    def day(value):  # SQLite hands back text, PostgreSQL dates
        return str(value)[:10] if value is not None else None

    keyed = sorted(
        (
            (day(meeting) or day(valid_from) or day(created), day(created) or "", doc_id)
            for doc_id, meeting, valid_from, created in rows
        )
    )
    counters: dict[int, int] = {}
    for decided, _, doc_id in keyed:
        year = int(decided[:4])
        counters[year] = counters.get(year, 0) + 1
        bind.execute(
            sa.text("UPDATE documents SET kfs_year = :year, kfs_number = :number WHERE id = :id"),
            {"year": year, "number": counters[year], "id": doc_id},
        )


def downgrade() -> None:
    # Destructive: the numbers themselves are dropped (the addresses built on them stop resolving);
    # an upgrade numbers the public documents again, in the same order.
    op.drop_index("uq_documents_kfs", table_name="documents")
    for table in ("culled_documents", "documents"):
        op.drop_column(table, "kfs_number")
        op.drop_column(table, "kfs_year")
