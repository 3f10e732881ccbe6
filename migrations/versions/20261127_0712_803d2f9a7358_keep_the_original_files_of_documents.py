"""Keep the original files of documents

The PDF or DOCX a document was imported from is stored by its sha256 in the file store; this
table links it to the document with the name it arrived under.

Revision ID: 803d2f9a7358
Revises: ec0710a2c006
Create Date: 2026-11-27 07:12:46.181952
"""

import sqlalchemy as sa
from alembic import op

revision = "803d2f9a7358"
down_revision = "ec0710a2c006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_document_files_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_files")),
        sa.UniqueConstraint("document_id", "sha256", name="one_file_once"),
    )
    with op.batch_alter_table("document_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_files_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_files_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    # Destructive: which original file belongs to which document goes (the bytes stay in the
    # file store, no longer reachable from the register).
    with op.batch_alter_table("document_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_files_sha256"))
        batch_op.drop_index(batch_op.f("ix_document_files_document_id"))

    op.drop_table("document_files")
