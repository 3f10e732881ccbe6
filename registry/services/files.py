"""The original files documents came from: linked by content hash, never lost, swept when orphaned."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.archive.filestore import FileStore, stored_digests
from registry.models import Document, DocumentFile
from registry.services.audit import record_event


def attach_file(
    session: Session, document: Document, *, sha256: str, filename: str, media_type: str, size: int, actor: str
) -> bool:
    """Link an original (already in the store) to a document; False when it is linked already."""
    exists = session.scalar(
        select(DocumentFile).where(DocumentFile.document_id == document.id, DocumentFile.sha256 == sha256)
    )
    if exists is not None:
        return False
    session.add(
        DocumentFile(
            document_id=document.id,
            sha256=sha256,
            filename=filename[:200],
            media_type=media_type,
            size=size,
            added_by=actor,
        )
    )
    session.flush()
    record_event(
        session,
        actor=actor,
        action="document.file_added",
        entity_type="document",
        entity_id=document.id,
        after={"sha256": sha256, "filename": filename[:200], "size": size},
    )
    return True


def files_of(session: Session, document_id: str) -> list[DocumentFile]:
    return list(
        session.scalars(select(DocumentFile).where(DocumentFile.document_id == document_id).order_by(DocumentFile.id))
    )


#: A file younger than this is never swept: an import may be about to link it.
SWEEP_GRACE = dt.timedelta(hours=1)


def sweep_orphans(
    session: Session,
    store: FileStore,
    reviews: Path,
    *,
    keep_pending_for: dt.timedelta,
    now: dt.datetime,
    dry_run: bool = False,
) -> list[str]:
    """Remove stored files no document refers to and no recent upload review waits on.

    Files are written before the transaction that links them commits; an import killed in
    between, an upload never confirmed, or a gallring leaves them behind. Returns their hashes.
    """
    linked = set(session.scalars(select(DocumentFile.sha256)))
    waiting: set[str] = set()
    for review in reviews.glob("*.json") if reviews.exists() else []:
        try:
            content = json.loads(review.read_text(encoding="utf-8"))
            created = dt.datetime.fromisoformat(content["created"])
        except (OSError, ValueError, KeyError):
            continue
        if now - created < keep_pending_for:
            waiting.update(item.get("sha256", "") for item in content.get("items", []))

    def old_enough(digest: str) -> bool:
        written = dt.datetime.fromtimestamp(store.path_of(digest).stat().st_mtime, dt.UTC)
        return now - written >= SWEEP_GRACE

    orphans = [d for d in stored_digests(store.root) if d not in linked and d not in waiting and old_enough(d)]
    if not dry_run:
        for digest in orphans:
            store.remove(digest)
    return orphans
