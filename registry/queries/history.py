"""What applied when: the register as it stood on a given day, from the immutable versions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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


# --- comparing two versions ---------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One field of two versions side by side; ``pieces`` is the word-level diff of its text:
    ("same" | "removed" | "added", words)."""

    field: str
    before: str
    after: str
    pieces: tuple[tuple[str, str], ...]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _field_text(snapshot: dict[str, Any], field: str) -> str:
    value = snapshot.get(field)
    if field == "sections":
        return "\n\n".join(f"{s.get('heading', '')}\n{s.get('text', '')}" for s in value or [])
    if field == "decision":
        if not value:
            return ""
        return f"{value.get('body')} {value.get('meeting_date')} § {value.get('paragraph')}"
    if field == "topics":
        return ", ".join(value or [])
    return "" if value is None else str(value)


def word_diff(before: str, after: str) -> tuple[tuple[str, str], ...]:
    """Words kept, removed and added, in reading order (line breaks kept as words)."""
    import difflib
    import re

    old = [w for w in re.split(r"(\n)| +", before) if w] if before else []
    new = [w for w in re.split(r"(\n)| +", after) if w] if after else []
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", " ".join(old[a1:a2])))
        else:
            if a2 > a1:
                pieces.append(("removed", " ".join(old[a1:a2])))
            if b2 > b1:
                pieces.append(("added", " ".join(new[b1:b2])))
    return tuple(pieces)


COMPARED_FIELDS = (
    "title",
    "type",
    "status",
    "adopted_by",
    "decision",
    "valid_from",
    "valid_until",
    "next_review_on",
    "scope",
    "owner",
    "topics",
    "summary",
    "full_text",
    "sections",
)


def compare_snapshots(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """Every compared field of two version snapshots, changed or not, in reading order."""
    changes = []
    for field in COMPARED_FIELDS:
        a, b = _field_text(before, field), _field_text(after, field)
        changes.append(FieldChange(field, a, b, word_diff(a, b) if a != b else (("same", a),)))
    return changes
