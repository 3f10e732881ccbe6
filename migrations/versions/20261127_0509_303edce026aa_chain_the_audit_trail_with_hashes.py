"""Chain the audit trail with hashes

Each audit event gets the hash of the previous one and its own hash over its content, so
`styrdok audit verify` can name the first row changed or removed behind the application's back.
Existing rows are chained in id order. The history guards are lifted for the backfill only.

Revision ID: 303edce026aa
Revises: ba6907bbcdd9
Create Date: 2026-11-27 05:09:24.633440
"""

import datetime as dt
import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from migrations.guards import create_guards, drop_guards

revision = "303edce026aa"
down_revision = "ba6907bbcdd9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    drop_guards()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=False, server_default=""))
    _chain_existing_rows()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", server_default=None)
        batch_op.alter_column("hash", server_default=None)
    create_guards()


def chain_hash(
    *,
    occurred_at: dt.datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> str:
    """The chain's hash as this revision defines it, copied here so the migration never changes
    with the application (registry.archive.audit.chain_hash must keep giving the same; a test checks)."""
    if occurred_at.tzinfo is not None:
        occurred_at = occurred_at.astimezone(dt.UTC).replace(tzinfo=None)
    content = json.dumps(
        {
            "occurred_at": occurred_at.isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "before": before,
            "after": after,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256((prev_hash + "\n" + content).encode("utf-8")).hexdigest()


def _chain_existing_rows() -> None:
    bind = op.get_bind()
    events = sa.table(
        "audit_events",
        sa.column("id"),
        sa.column("occurred_at", sa.DateTime(timezone=True)),
        sa.column("actor"),
        sa.column("action"),
        sa.column("entity_type"),
        sa.column("entity_id"),
        sa.column("before", sa.JSON()),
        sa.column("after", sa.JSON()),
        sa.column("prev_hash"),
        sa.column("hash"),
    )
    previous = ""
    for row in bind.execute(sa.select(events).order_by(events.c.id)).all():
        occurred = row.occurred_at
        if isinstance(occurred, str):
            occurred = dt.datetime.fromisoformat(occurred)
        digest = chain_hash(
            occurred_at=occurred,
            actor=row.actor,
            action=row.action,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            before=_json(row.before),
            after=_json(row.after),
            prev_hash=previous,
        )
        bind.execute(events.update().where(events.c.id == row.id).values(prev_hash=previous, hash=digest))
        previous = digest


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def downgrade() -> None:
    # Destructive: the chain's links and hashes go (the events stay); an upgrade chains them anew,
    # so a trail taken out before the downgrade no longer matches its checkpoints.
    drop_guards()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    create_guards()
