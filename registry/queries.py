"""Read side: plain snapshots of the register for the engine and the reports. No writes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.models import Document, Relation
from registry.models.vocabulary import IN_FORCE, IN_PREPARATION
from registry.related import DocumentSnapshot, RelatedIndex, SectionSnapshot
from registry.rules.engine import _lexicon
from registry.rules.model import Ruleset

#: Documents a new text can overlap with: those in force and those being prepared.
LIVE_STATUSES = (IN_FORCE, IN_PREPARATION)


def snapshot(document: Document) -> DocumentSnapshot:
    return DocumentSnapshot(
        id=document.id,
        title=document.title,
        type=document.type_key,
        topics=tuple(document.topic_names),
        summary=document.summary or "",
        text=document.full_text or "",
        sections=tuple(SectionSnapshot(s.anchor, s.heading, s.text) for s in document.sections),
    )


def live_documents(session: Session) -> list[Document]:
    return list(
        session.scalars(
            select(Document)
            .where(Document.status.in_(LIVE_STATUSES))
            .options(selectinload(Document.sections), selectinload(Document.topics))
            .order_by(Document.id)
        ).unique()
    )


def build_related_index(session: Session, ruleset: Ruleset) -> RelatedIndex:
    return RelatedIndex(_lexicon(ruleset), (snapshot(d) for d in live_documents(session)))


def document_text(document: Document) -> str:
    """The text the engine reads for a registered document: title first, then its content."""
    parts = [document.title, document.summary or "", document.full_text or ""]
    for section in document.sections:
        parts.append(f"{section.heading}\n{section.text}")
    return "\n\n".join(p for p in parts if p)


def parent_types(session: Session, document: Document) -> list[str]:
    """Types of the documents this one implements or concretises (its parents)."""
    rows = session.execute(
        select(Document.type_key)
        .join(Relation, Relation.target_id == Document.id)
        .where(Relation.source_id == document.id, Relation.kind.in_(("genomför", "konkretiserar")))
    )
    return [row[0] for row in rows]
