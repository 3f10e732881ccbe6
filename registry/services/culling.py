"""Gallring: destroying a document under a gallringsbeslut, leaving a tombstone.

Repeal, supersede and unpublish keep everything; gallring is the one way a document leaves the
database. It needs a gallringsbeslut, is refused for documents still in force or being prepared,
and leaves a CulledDocument row (what, under which decision, by whom, when, and a hash of the
last version) plus an audit event. The database triggers only let the rows go once that
tombstone exists.

What remains on purpose: earlier audit events keep their record of the changes (the audit trail
is append-only and hash-chained; it is gallrat under its own decision, not document by document).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from registry.errors import Conflict, NotFound
from registry.models import (
    CaseDocument,
    CulledDocument,
    Document,
    DocumentFile,
    DocumentTopic,
    DocumentVersion,
    EndedRelation,
    Finding,
    RelatedTerm,
    RelatedVector,
    Relation,
    SearchEntry,
    Section,
)
from registry.models.vocabulary import REPEALED, SUPERSEDED, UNPUBLISHED
from registry.schemas import CullingSchema, load_or_raise
from registry.services.audit import record_event

CULLABLE_STATUSES = (REPEALED, SUPERSEDED, UNPUBLISHED)


def find_tombstone(session: Session, document_id: str) -> CulledDocument | None:
    return session.scalar(select(CulledDocument).where(CulledDocument.document_id == document_id))


def cull_document(session: Session, document_id: str, data: Mapping[str, Any], *, actor: str) -> CulledDocument:
    """Destroy a document and everything that is only about it; returns its tombstone.

    :raises InvalidInput: without a gallringsbeslut.
    :raises NotFound: for an unknown id (or one already culled, naming when).
    :raises Conflict: for a document in force, being prepared or a draft.
    """
    values = load_or_raise(CullingSchema(), dict(data), what="Gallring")
    document = session.get(Document, document_id)
    if document is None:
        gone = find_tombstone(session, document_id)
        if gone is not None:
            raise NotFound(
                f"Dokumentet {document_id} gallrades redan {gone.culled_at:%Y-%m-%d} enligt {gone.decision_reference}."
            )
        raise NotFound(f"Dokumentet {document_id} finns inte.")
    if document.status not in CULLABLE_STATUSES:
        raise Conflict(
            f"”{document.title}” är {document.status}. Bara upphävda, ersatta eller avpublicerade "
            "dokument kan gallras; upphäv eller avpublicera det först."
        )
    versions = session.scalars(
        select(DocumentVersion).where(DocumentVersion.document_id == document_id).order_by(DocumentVersion.version)
    ).all()
    last = versions[-1].snapshot if versions else {}
    digest = hashlib.sha256(json.dumps(last, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    removed = _count_dependants(session, document_id)
    tombstone = CulledDocument(
        document_id=document.id,
        title=document.title,
        type_key=document.type_key,
        status=document.status,
        dnr=document.decision.dnr if document.decision else None,
        decision_reference=values["decision_reference"],
        reason=values["reason"],
        version_count=len(versions),
        content_sha256=digest,
        removed=removed,
        actor=actor,
        kfs_year=document.kfs_year,
        kfs_number=document.kfs_number,
    )
    session.add(tombstone)
    session.flush()  # the tombstone first: the database lets the rows go only once it exists
    for statement in _deletions(document_id):
        session.execute(statement)
    session.expunge(document)
    record_event(
        session,
        actor=actor,
        action="document.culled",
        entity_type="document",
        entity_id=document_id,
        before={
            "title": tombstone.title,
            "type": tombstone.type_key,
            "status": tombstone.status,
            "versions": tombstone.version_count,
        },
        after={
            "decision_reference": tombstone.decision_reference,
            "reason": tombstone.reason,
            "content_sha256": digest,
            "removed": removed,
        },
    )
    session.flush()
    return tombstone


def _count_dependants(session: Session, document_id: str) -> dict[str, int]:
    def count(model: Any, condition: Any) -> int:
        return session.scalar(select(func.count()).select_from(model).where(condition)) or 0

    return {
        "versioner": count(DocumentVersion, DocumentVersion.document_id == document_id),
        "avsnitt": count(Section, Section.document_id == document_id),
        "relationer": count(Relation, (Relation.source_id == document_id) | (Relation.target_id == document_id)),
        "avslutade relationer": count(
            EndedRelation, (EndedRelation.source_id == document_id) | (EndedRelation.target_id == document_id)
        ),
        "iakttagelser": count(Finding, Finding.document_id == document_id),
        "ärendekopplingar": count(CaseDocument, CaseDocument.document_id == document_id),
        "originalfiler": count(DocumentFile, DocumentFile.document_id == document_id),
    }


def _deletions(document_id: str) -> list[Any]:
    """Everything that refers to the document, children first, the document last."""
    return [
        delete(Finding).where(Finding.document_id == document_id),
        delete(Relation).where((Relation.source_id == document_id) | (Relation.target_id == document_id)),
        delete(EndedRelation).where(
            (EndedRelation.source_id == document_id) | (EndedRelation.target_id == document_id)
        ),
        delete(CaseDocument).where(CaseDocument.document_id == document_id),
        delete(DocumentFile).where(DocumentFile.document_id == document_id),  # the bytes go with the next sweep
        delete(SearchEntry).where(SearchEntry.document_id == document_id),
        delete(RelatedTerm).where(RelatedTerm.document_id == document_id),
        delete(RelatedVector).where(RelatedVector.document_id == document_id),
        delete(Section).where(Section.document_id == document_id),
        delete(DocumentTopic).where(DocumentTopic.document_id == document_id),
        delete(DocumentVersion).where(DocumentVersion.document_id == document_id),
        delete(Document).where(Document.id == document_id),
    ]
