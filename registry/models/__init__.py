"""Every model, imported explicitly so Base.metadata is complete for Alembic and tests."""

from typing import Any

from sqlalchemy.orm import Session

from registry.models.audit import AuditEvent
from registry.models.bodies import Body
from registry.models.cases import Case, CaseDocument, CasePaper, Decision
from registry.models.culling import CulledDocument
from registry.models.documents import Document, DocumentFile, DocumentTopic, DocumentVersion, Section
from registry.models.findings import Finding
from registry.models.relations import EndedRelation, Relation
from registry.models.search import RelatedTerm, RelatedVector, RelatedVocabulary, SearchEntry
from registry.models.settings import RegisterSetting
from registry.models.users import ApiToken, User, UserSession

__all__ = [
    "ApiToken",
    "User",
    "UserSession",
    "AuditEvent",
    "Body",
    "Case",
    "CaseDocument",
    "CasePaper",
    "CulledDocument",
    "Decision",
    "Document",
    "DocumentFile",
    "DocumentTopic",
    "DocumentVersion",
    "Finding",
    "RegisterSetting",
    "SearchEntry",
    "RelatedTerm",
    "RelatedVector",
    "RelatedVocabulary",
    "Relation",
    "EndedRelation",
    "Section",
]


def _refuse_deleting_history(session: Session, _flush_context: Any, _instances: Any) -> None:
    """No code path may delete a document, a version or an audit event through the ORM (the DB
    refuses too). Gallring (services.culling) deletes with SQL, which the database allows only
    once the document's tombstone exists."""
    from registry.errors import Conflict

    for instance in session.deleted:
        if isinstance(instance, (Document, DocumentVersion, AuditEvent)):
            raise Conflict(
                "Styrdokument, versioner och händelser raderas aldrig; "
                "upphäv, ersätt eller avpublicera dokumentet i stället."
            )


def _install_guards() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "before_flush", _refuse_deleting_history):
        event.listen(Session, "before_flush", _refuse_deleting_history)


_install_guards()
