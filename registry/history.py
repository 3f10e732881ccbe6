"""What applied when: the register as it stood on a given day, from the immutable versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import DocumentVersion
from registry.models.vocabulary import IN_FORCE


def in_force_on(session: Session, day: dt.date) -> list[dict[str, Any]]:
    """Documents in force on ``day``: as recorded by the end of that day, gällande, and within
    their validity. A document repealed later still counts; one registered later does not."""
    end_of_day = dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
    latest: dict[str, DocumentVersion] = {}
    for version in session.scalars(
        select(DocumentVersion).where(DocumentVersion.changed_at <= end_of_day).order_by(DocumentVersion.version)
    ):
        latest[version.document_id] = version
    result = []
    iso = day.isoformat()
    for version in latest.values():
        snapshot = version.snapshot
        if snapshot["status"] != IN_FORCE:
            continue
        if snapshot.get("valid_from") and snapshot["valid_from"] > iso:
            continue
        if snapshot.get("valid_until") and snapshot["valid_until"] < iso:
            continue
        result.append({**snapshot, "version": version.version})
    return sorted(result, key=lambda s: s["title"].lower())
