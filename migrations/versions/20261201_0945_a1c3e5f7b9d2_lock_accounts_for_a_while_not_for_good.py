"""Lock accounts for a while, not for good

Ten wrong passwords in a row locked an account with no expiry, so anyone could lock anyone out.
Now the lock has an end (users.locked_until) that grows with each further ten failures.

Revision ID: a1c3e5f7b9d2
Revises: 803d2f9a7358
Create Date: 2026-12-01 09:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a1c3e5f7b9d2"
down_revision = "803d2f9a7358"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Destructive: only the lock's end is dropped: a locked account stays locked by its count of failures.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
