"""Keep ended relations

A relation could only be added, never ended, except through the API by hand. Ending one now moves
it whole into ended_relations, with who ended it, when and why; current relations stay in
relations, so nothing that reads them changes.

Revision ID: f6b8d0e2a4c5
Revises: e5a7c9d1f3b4
Create Date: 2026-12-01 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f6b8d0e2a4c5"
down_revision = "e5a7c9d1f3b4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ended_relations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("relation_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=False),
        sa.Column("target_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("source_anchor", sa.String(length=120), nullable=False),
        sa.Column("target_anchor", sa.String(length=120), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["documents.id"], name=op.f("fk_ended_relations_source_id_documents")),
        sa.ForeignKeyConstraint(["target_id"], ["documents.id"], name=op.f("fk_ended_relations_target_id_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ended_relations")),
    )
    op.create_index(op.f("ix_ended_relations_source_id"), "ended_relations", ["source_id"], unique=False)
    op.create_index(op.f("ix_ended_relations_target_id"), "ended_relations", ["target_id"], unique=False)


def downgrade() -> None:
    # Destructive: the history of ended relations goes (the audit trail keeps each ending).
    op.drop_index(op.f("ix_ended_relations_target_id"), table_name="ended_relations")
    op.drop_index(op.f("ix_ended_relations_source_id"), table_name="ended_relations")
    op.drop_table("ended_relations")
