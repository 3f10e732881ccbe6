"""Guard the tombstones

A row inserted into culled_documents made any document deletable, in force or not, and tombstones
themselves could be changed or removed; a culled id could be given to a new document. Now a
tombstone can be laid only for a document that has ended, it is never changed or removed, and a
culled id is never used again (triggers on both databases).

Revision ID: b2d4f6a8c0e1
Revises: a1c3e5f7b9d2
Create Date: 2026-12-01 10:00:00
"""

from migrations.guards import create_tombstone_guards, drop_tombstone_guards

revision = "b2d4f6a8c0e1"
down_revision = "a1c3e5f7b9d2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_tombstone_guards()


def downgrade() -> None:
    drop_tombstone_guards()
