"""The audit trail's hash chain: compute it as events are written, verify it on demand."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import AuditEvent

if TYPE_CHECKING:
    from registry.archive.checkpoints import Checkpoint

#: Advisory lock that serialises audit writers on PostgreSQL (SQLite writers are serialised by
#: BEGIN IMMEDIATE already), so two transactions never chain onto the same previous row.
AUDIT_LOCK_KEY = 20261127


def _utc_text(moment: dt.datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


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
    """sha256 over the event's content in a canonical form and the previous row's hash."""
    content = json.dumps(
        {
            "occurred_at": _utc_text(occurred_at),
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


def hash_of(event: AuditEvent, prev_hash: str) -> str:
    return chain_hash(
        occurred_at=event.occurred_at,
        actor=event.actor,
        action=event.action,
        entity_type=event.entity_type,
        entity_id=event.entity_id,
        before=event.before,
        after=event.after,
        prev_hash=prev_hash,
    )


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    #: How many signed checkpoints the trail was held against (registry.archive.checkpoints).
    checkpoints: int = 0

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.reason


def verify_chain(session: Session, checkpoints: Sequence[Checkpoint] = ()) -> ChainReport:
    """Walk the trail in order; name the first row whose content or link does not match, or
    that is not the row a signed checkpoint recorded at its position (a rewritten trail), or
    report that the trail is shorter than a checkpoint says it was (a shortened trail)."""
    previous = ""
    checked = 0
    expected = {checkpoint.rows: checkpoint for checkpoint in checkpoints if checkpoint.rows > 0}
    # Streamed (a server-side cursor on PostgreSQL), and closed even when we stop early.
    result = session.scalars(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000))
    try:
        for event in result:
            if event.prev_hash != previous:
                return ChainReport(
                    checked,
                    event.id,
                    "länken till föregående rad stämmer inte (en rad före den har ändrats eller tagits bort)",
                )
            if event.hash != hash_of(event, previous):
                return ChainReport(checked, event.id, "radens innehåll har ändrats efter att den skrevs")
            previous = event.hash
            checked += 1
            signed = expected.get(checked)
            if signed is not None and signed.head != event.hash:
                return ChainReport(
                    checked - 1,
                    event.id,
                    f"raden är inte den som kontrollpunkten från {signed.at} signerade som rad {signed.rows}: "
                    "loggen har skrivits om och kedjan räknats om",
                    len(checkpoints),
                )
    finally:
        result.close()
    # The latest of the longest: the most recent signed statement of how long the trail was.
    longest = max(reversed(checkpoints), key=lambda c: c.rows, default=None)
    if longest is not None and longest.rows > checked:
        return ChainReport(
            checked,
            longest.last_id,
            f"loggen har kortats: kontrollpunkten från {longest.at} räknade {longest.rows} rader, nu finns {checked}",
            len(checkpoints),
        )
    return ChainReport(checked, checkpoints=len(checkpoints))
