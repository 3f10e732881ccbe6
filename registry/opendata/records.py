"""Read side of the open register: what of a document's history the public may see, in order.

A version is public when the document was public once that version was made (its snapshot's
status is a public one) and the document is public now; an unpublished document leaves every
channel, its earlier versions included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.models import Case, CaseDocument, Decision, Document, DocumentVersion, Relation
from registry.models.vocabulary import IN_FORCE, PUBLIC_STATUSES


def is_public_version(version: DocumentVersion) -> bool:
    return (version.snapshot or {}).get("status") in PUBLIC_STATUSES


def public_versions(session: Session, document: Document) -> list[DocumentVersion]:
    """The document's public versions, oldest first; none while the document is not public."""
    if document.status not in PUBLIC_STATUSES:
        return []
    versions = session.scalars(
        select(DocumentVersion).where(DocumentVersion.document_id == document.id).order_by(DocumentVersion.version)
    ).all()
    return [v for v in versions if is_public_version(v)]


@dataclass(frozen=True)
class StandingOn:
    """The text as it stood on a day: the last public version made by then, and whether it was
    in force that day (status gällande and the day within its validity)."""

    day: dt.date
    version: DocumentVersion
    in_force: bool


def standing_on(session: Session, document: Document, day: dt.date) -> StandingOn | None:
    """None when no public version existed by the end of that day."""
    made = [v for v in public_versions(session, document) if v.changed_at.date() <= day]
    if not made:
        return None
    version = made[-1]
    snapshot = version.snapshot or {}
    start, end = snapshot.get("valid_from"), snapshot.get("valid_until")
    in_force = (
        snapshot.get("status") == IN_FORCE
        and (start is None or start <= day.isoformat())
        and (end is None or day.isoformat() <= end)
    )
    return StandingOn(day=day, version=version, in_force=in_force)


def public_relations(session: Session, document: Document) -> list[Relation]:
    """Relations whose other end the public may read too, in a stable order."""
    rows = session.scalars(
        select(Relation)
        .where((Relation.source_id == document.id) | (Relation.target_id == document.id))
        .order_by(Relation.id)
    ).unique()
    return [r for r in rows if r.source.status in PUBLIC_STATUSES and r.target.status in PUBLIC_STATUSES]


def cases_of(session: Session, document: Document) -> list[Case]:
    """The ärenden a document belongs to, with their decisions (one query each)."""
    return list(
        session.scalars(
            select(Case)
            .join(CaseDocument, CaseDocument.case_id == Case.id)
            .where(CaseDocument.document_id == document.id)
            .options(selectinload(Case.decisions).joinedload(Decision.body))
            .order_by(Case.id)
        ).unique()
    )


def numbered_public_documents(session: Session) -> list[Document]:
    """The författningssamling: every public document with its number, in KFS order."""
    return list(
        session.scalars(
            select(Document)
            .where(Document.status.in_(PUBLIC_STATUSES), Document.kfs_number.is_not(None))
            .options(selectinload(Document.topics))
            .order_by(Document.kfs_year, Document.kfs_number)
        ).unique()
    )
