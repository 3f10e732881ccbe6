"""Write audit events; every service that changes something calls this in its transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import AuditEvent


def record_event(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    from registry.archive.audit import AUDIT_LOCK_KEY, hash_of
    from registry.db import take_write_lock
    from registry.timeutil import utcnow

    session.flush()  # this transaction's earlier events first, so the chain sees them
    take_write_lock(session, AUDIT_LOCK_KEY)  # the last hash is read by the writer that links to it
    previous = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or ""
    event = AuditEvent(
        occurred_at=utcnow(),
        # What someone typed (a 400 000-character "username") is cut to the column: the trail
        # records the attempt, it cannot be flooded, and PostgreSQL does not refuse the row.
        actor=_bounded(actor, "actor"),
        action=_bounded(action, "action"),
        entity_type=_bounded(entity_type, "entity_type"),
        entity_id=_bounded(str(entity_id), "entity_id"),
        before=before,
        after=after,
        prev_hash=previous,
    )
    # JSON columns hand back what JSON can hold; hash that, not the Python objects we were given.
    event.before, event.after = _json_round_trip(before), _json_round_trip(after)
    event.hash = hash_of(event, previous)
    session.add(event)
    session.flush()
    return event


def _json_round_trip(value: Any) -> Any:
    import json

    return None if value is None else json.loads(json.dumps(value, default=str))


def _bounded(value: str, column: str) -> str:
    length: int | None = getattr(AuditEvent.__table__.c[column].type, "length", None)
    if length is None or len(value) <= length:
        return value
    return value[: length - 1] + "…"
