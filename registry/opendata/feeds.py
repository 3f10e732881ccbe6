"""What the Atom feeds list: new decisions, new and changed documents, and repeals.

Each entry is one public fact with a stable id (the address of the version or decision it
reports) and the moment it happened, newest first. Only versions the public could read when
they were made, of documents the public can read now, are listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from registry.models import Body, Decision, Document, DocumentVersion
from registry.models.vocabulary import PUBLIC_STATUSES, REPEALED, SUPERSEDED
from registry.opendata.records import is_public_version

FEEDS = {
    "dokument": "Nya och ändrade styrdokument",
    "beslut": "Nya beslut",
    "upphavda": "Upphävda och ersatta styrdokument",
}

#: How many entries a feed holds; harvesters that poll more often than this changes need no more.
FEED_SIZE = 100


@dataclass(frozen=True)
class FeedEntry:
    key: str  # "document:<id>:<version>" or "decision:<id>"; the edge turns it into an address
    title: str
    updated: dt.datetime
    summary: str
    document: Document | None = None
    version: int | None = None
    decision: Decision | None = None
    categories: tuple[str, ...] = field(default=())
    #: When the fact itself happened (a decision's meeting), if other than when it was registered.
    published: dt.datetime | None = None


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def document_entries(
    session: Session, *, repeals_only: bool = False, type_key: str | None = None, organ: str | None = None
) -> list[FeedEntry]:
    query = (
        select(DocumentVersion)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(Document.status.in_(PUBLIC_STATUSES))
        .options(joinedload(DocumentVersion.document))
        .order_by(DocumentVersion.changed_at.desc(), DocumentVersion.id.desc())
    )
    if type_key:
        query = query.where(Document.type_key == type_key)
    if organ:
        query = query.join(Body, Body.id == Document.adopted_by_id).where(Body.key == organ)
    entries: list[FeedEntry] = []
    # Read in pages: versions made while the document was a draft are skipped, not counted.
    offset, page = 0, FEED_SIZE * 2
    while len(entries) < FEED_SIZE:
        rows = session.scalars(query.offset(offset).limit(page)).unique().all()
        if not rows:
            break
        offset += page
        for version in rows:
            entry = _document_entry(session, version, repeals_only=repeals_only)
            if entry is not None:
                entries.append(entry)
    return entries[:FEED_SIZE]


def _document_entry(session: Session, version: DocumentVersion, *, repeals_only: bool) -> FeedEntry | None:
    if not is_public_version(version):
        return None
    snapshot = version.snapshot or {}
    status = snapshot.get("status")
    changes = version.changes or {}
    document = version.document
    if repeals_only:
        if status not in (REPEALED, SUPERSEDED) or "status" not in changes:
            return None
        verb = "Upphävt" if status == REPEALED else "Ersatt"
    else:
        first_public = "status" in changes and changes["status"][0] not in PUBLIC_STATUSES
        verb = "Nytt" if version.version == 1 or first_public else "Ändrat"
    title = f"{verb}: {snapshot.get('title', document.title)}"
    summary = f"Version {version.version}, {snapshot.get('type', document.type_key)}, status {status}."
    if snapshot.get("summary"):
        summary += " " + snapshot["summary"]
    return FeedEntry(
        key=f"document:{document.id}:{version.version}",
        title=title,
        updated=_aware(version.changed_at),
        summary=summary,
        document=document,
        version=version.version,
        categories=tuple(filter(None, [snapshot.get("type"), snapshot.get("adopted_by")])),
    )


def decision_entries(session: Session, *, type_key: str | None = None, organ: str | None = None) -> list[FeedEntry]:
    """Decisions, newest meeting first; with a type, those that adopted a public document of it."""
    query = (
        select(Decision)
        .options(joinedload(Decision.body), joinedload(Decision.case))
        .order_by(Decision.meeting_date.desc(), Decision.id.desc())
    )
    if organ:
        query = query.join(Body, Body.id == Decision.body_id).where(Body.key == organ)
    if type_key:
        query = query.where(
            Decision.id.in_(
                select(Document.decision_id).where(Document.type_key == type_key, Document.status.in_(PUBLIC_STATUSES))
            )
        )
    decisions = session.scalars(query.limit(FEED_SIZE)).unique().all()
    adopted: dict[int | None, str] = {}
    for decision_id, title in session.execute(
        select(Document.decision_id, Document.title).where(
            Document.decision_id.in_([d.id for d in decisions]), Document.status.in_(PUBLIC_STATUSES)
        )
    ):
        adopted.setdefault(decision_id, title)
    entries = []
    for decision in decisions:
        subject = decision.case.title if decision.case else adopted.get(decision.id, decision.outcome)
        meeting = dt.datetime.combine(decision.meeting_date, dt.time(), tzinfo=dt.UTC)
        entries.append(
            FeedEntry(
                key=f"decision:{decision.id}",
                title=f"{decision.reference}: {subject}",
                # updated is when the register learnt of it; published is the meeting itself
                updated=_aware(decision.created_at) if decision.created_at else meeting,
                published=meeting,
                summary=decision.wording or f"{decision.reference}: {decision.outcome}.",
                decision=decision,
                categories=(decision.body.key, decision.outcome),
            )
        )
    return entries
