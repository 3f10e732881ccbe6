"""Add gallring tombstones and session activity

Gallring (destroying a document under a gallringsbeslut) leaves a row in culled_documents; the
history triggers are recreated so that a document and its versions can be deleted only when that
tombstone exists. Login sessions get last_seen_at for the idle timeout.

Revision ID: ec0710a2c006
Revises: 303edce026aa
Create Date: 2026-11-27 06:18:18.307062
"""

import sqlalchemy as sa
from alembic import op

from migrations.guards import create_guards, drop_guards

revision = "ec0710a2c006"
down_revision = "303edce026aa"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "culled_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("type_key", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("dnr", sa.String(length=60), nullable=True),
        sa.Column("decision_reference", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("version_count", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("removed", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("culled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_culled_documents")),
        sa.UniqueConstraint("document_id", name=op.f("uq_culled_documents_document_id")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
    drop_guards()
    create_guards(culling=True)


def downgrade() -> None:
    # Destructive: the tombstones of culled documents (what was culled under which gallringsbeslut)
    # and the sessions' last activity go; the audit trail keeps each culling.
    drop_guards()
    create_guards()
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_column("last_seen_at")
    op.drop_table("culled_documents")
