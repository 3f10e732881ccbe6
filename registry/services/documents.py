"""Register, revise and end documents. Nothing is ever deleted: every change is a version."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from registry.errors import Conflict, InvalidInput, NotFound, StaleVersion
from registry.identifiers import slugify
from registry.models import Document, DocumentTopic, DocumentVersion, Relation, Section
from registry.models.vocabulary import (
    IN_FORCE,
    REPEALED,
    STATUS_TRANSITIONS,
    SUPERSEDED,
    UNPUBLISHED,
)
from registry.schemas import DocumentRevisionSchema, DocumentSchema, load_or_raise
from registry.serialize import document_to_dict
from registry.services.audit import record_event
from registry.services.bodies import get_body
from registry.services.cases import record_decision
from registry.text.fields import FIELD_LABELS as ALL_FIELD_LABELS
from registry.timeutil import utcnow

#: The Swedish names of the fields, for messages and histories (the one table of them).
FIELD_LABELS = ALL_FIELD_LABELS

#: Called after a document is registered or revised (the engine's findings are stored here).
AfterChangeHook = Callable[[Session, Document], None]


def get_document(session: Session, document_id: str) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound(f"Det finns inget dokument med id ”{document_id}”.", field="id")
    return document


def _unique_anchors(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    result = []
    for section in sections:
        base = section.get("anchor") or slugify(section["heading"])
        anchor, n = base, 2
        while anchor in seen:
            anchor, n = f"{base}-{n}", n + 1
        seen.add(anchor)
        result.append({**section, "anchor": anchor})
    return result


def _apply_values(session: Session, document: Document, values: Mapping[str, Any], *, actor: str) -> None:
    """Copy validated values onto the document, resolving organs, decisions and sections."""
    simple = {
        "title": "title",
        "type": "type_key",
        "scope": "scope",
        "owner": "owner",
        "summary": "summary",
        "full_text": "full_text",
        "valid_from": "valid_from",
        "valid_until": "valid_until",
        "next_review_on": "next_review_on",
        "content_note": "content_note",
        "status": "status",
    }
    for key, attribute in simple.items():
        if key in values:
            setattr(document, attribute, values[key])
    if "decision" in values:
        if values["decision"]:
            decision, _ = record_decision(session, values["decision"], actor=actor, validated=True)
            document.decision = decision
        else:
            document.decision = None
    if "adopted_by" in values:
        document.adopted_by = get_body(session, values["adopted_by"]) if values["adopted_by"] else None
    if document.adopted_by is None and document.decision is not None:
        document.adopted_by = document.decision.body
    if "topics" in values:
        wanted = sorted({t.strip() for t in values["topics"] if t.strip()}, key=str.lower)
        current = {t.topic: t for t in document.topics}
        document.topics = [current.get(t) or DocumentTopic(topic=t) for t in wanted]
    if "sections" in values:
        _replace_sections(session, document, _unique_anchors(values["sections"]))


def _replace_sections(session: Session, document: Document, sections: list[dict[str, Any]]) -> None:
    by_anchor = {s.anchor: s for s in document.sections}
    wanted = {s["anchor"] for s in sections}
    dropped = set(by_anchor) - wanted
    if dropped and document.id:
        linked = session.scalars(
            select(Relation).where(
                ((Relation.source_id == document.id) & Relation.source_anchor.in_(dropped))
                | ((Relation.target_id == document.id) & Relation.target_anchor.in_(dropped))
            )
        ).first()
        if linked is not None:
            anchor = linked.source_anchor if linked.source_id == document.id else linked.target_anchor
            raise Conflict(
                f"Avsnittet ”{anchor}” kan inte tas bort: en relation pekar på det.",
                field="sections",
            )
    kept = []
    for position, data in enumerate(sections):
        section = by_anchor.get(data["anchor"]) or Section(anchor=data["anchor"])
        section.position, section.heading, section.text = position, data["heading"], data["text"] or ""
        kept.append(section)
    # Dropped sections become orphans and go; the version snapshot keeps them.
    document.sections = kept


def _record_version(
    session: Session, document: Document, *, before: dict[str, Any] | None, actor: str, reason: str
) -> DocumentVersion:
    after = document_to_dict(document)
    changes = {
        key: [None if before is None else before.get(key), after[key]]
        for key in after
        if key != "id" and (before is None or before.get(key) != after[key])
    }
    version = DocumentVersion(
        document=document,
        version=document.version,
        changed_by=actor,
        reason=reason,
        changes=changes,
        snapshot=after,
    )
    session.add(version)
    from registry.opendata.identifiers import assign_kfs_number
    from registry.queries.search import index_document  # the search index follows every change

    assign_kfs_number(session, document)  # the stable address, the first time it is public

    index_document(session, document)
    record_event(
        session,
        actor=actor,
        action="document.registered" if before is None else "document.revised",
        entity_type="document",
        entity_id=document.id,
        before=None if before is None else {k: v[0] for k, v in changes.items()},
        after={k: v[1] for k, v in changes.items()},
    )
    return version


def _flush_guarded(session: Session, document: Document) -> None:
    title = document.title  # read now: after a failed flush the session may not load anything
    try:
        session.flush()
    except StaleDataError:
        raise StaleVersion(
            f"Dokumentet ”{title}” ändrades av någon annan medan du arbetade; läs in det igen och gör om ändringen."
        ) from None


def register_document(
    session: Session,
    data: Mapping[str, Any],
    *,
    actor: str,
    reason: str = "Registrerat",
    after_change: AfterChangeHook | None = None,
) -> Document:
    """Register a new styrdokument with its first version.

    :raises InvalidInput: for a missing title, an unknown type key and other field errors.
    :raises NotFound: when the adopting organ is not in the register.
    :raises Conflict: when the given id is taken.
    """
    values = load_or_raise(DocumentSchema(), dict(data), what="Dokument")
    document_id = values.get("id") or str(uuid.uuid4())
    if session.get(Document, document_id) is not None:
        raise Conflict(f"Det finns redan ett dokument med id ”{document_id}”.", field="id")
    from registry.models.culling import CulledDocument

    gone = session.scalar(select(CulledDocument).where(CulledDocument.document_id == document_id))
    if gone is not None:
        # A culled document's address answers 410 for good; its id is never given to another.
        raise Conflict(
            f"Id:t ”{document_id}” tillhörde ”{gone.title}”, som gallrades {gone.culled_at:%Y-%m-%d}; "
            "det används inte igen.",
            field="id",
        )
    document = Document(id=document_id, created_at=utcnow(), updated_at=utcnow(), version=1)
    _apply_values(session, document, values, actor=actor)
    session.add(document)
    session.flush()
    _record_version(session, document, before=None, actor=actor, reason=reason)
    session.flush()
    if after_change:
        after_change(session, document)
    return document


def _check_transition(document: Document, new_status: str) -> None:
    if new_status == document.status:
        return
    if new_status not in STATUS_TRANSITIONS[document.status]:
        allowed = ", ".join(STATUS_TRANSITIONS[document.status]) or "inga"
        raise InvalidInput(
            f"Ett dokument med status ”{document.status}” kan inte få status ”{new_status}”. "
            f"Möjliga nästa steg: {allowed}.",
            field="status",
        )


def _change(
    session: Session,
    document: Document,
    values: Mapping[str, Any],
    *,
    actor: str,
    reason: str,
    after_change: AfterChangeHook | None = None,
) -> Document:
    if "status" in values:
        _check_transition(document, values["status"])
    before = document_to_dict(document)
    before_version = document.version
    _apply_values(session, document, values, actor=actor)
    _flush_guarded(session, document)
    if document_to_dict(document) == before:
        return document  # nothing changed: no new version, no event
    document.updated_at = utcnow()
    document.version = before_version + 1  # the UPDATE checks the old number (optimistic lock)
    _flush_guarded(session, document)
    _record_version(session, document, before=before, actor=actor, reason=reason)
    session.flush()
    if after_change:
        after_change(session, document)
    return document


def revise_document(
    session: Session,
    document_id: str,
    data: Mapping[str, Any],
    *,
    actor: str,
    after_change: AfterChangeHook | None = None,
) -> Document:
    """Change a document's fields; ``data`` carries ``expected_version`` and ``reason``.

    :raises StaleVersion: when someone else saved a newer version since the caller read it,
        naming who and what they changed, so nothing is silently overwritten.
    """
    document = get_document(session, document_id)
    partial = tuple(k for k in DocumentSchema().fields if k != "id")
    values = load_or_raise(DocumentRevisionSchema(partial=partial), dict(data), what="Ändring")
    values.pop("id", None)
    expected = values.pop("expected_version")
    reason = values.pop("reason")
    if expected != document.version:
        raise _stale(session, document, expected)
    return _change(session, document, values, actor=actor, reason=reason, after_change=after_change)


def _stale(session: Session, document: Document, expected: int) -> StaleVersion:
    newer = session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document.id, DocumentVersion.version > expected)
        .order_by(DocumentVersion.version)
    ).all()
    changed = sorted({FIELD_LABELS.get(k, k) for v in newer for k in v.changes})
    last = newer[-1] if newer else None
    who = f" av {last.changed_by} {last.changed_at:%Y-%m-%d %H:%M}" if last else ""
    error = StaleVersion(
        f"Dokumentet har ändrats{who} sedan du läste det (du har version {expected}, "
        f"senaste är {document.version}). Ändrade fält: {', '.join(changed) or 'okänt'}. "
        "Läs in dokumentet igen innan du sparar.",
        field="expected_version",
    )
    error.current_version = document.version
    error.changed_fields = changed
    return error


def repeal_document(
    session: Session,
    document_id: str,
    *,
    actor: str,
    reason: str,
    decision: Mapping[str, Any] | None = None,
) -> Document:
    """Upphäv a document in force. It stays in the register with its whole history."""
    document = get_document(session, document_id)
    if document.status != IN_FORCE:
        _check_transition(document, REPEALED)  # the same Swedish message as any other status change
    values: dict[str, Any] = {"status": REPEALED}
    end, reference = _end_date(session, decision, actor=actor)
    if document.valid_until is None or document.valid_until > end:
        values["valid_until"] = max(end, document.valid_from) if document.valid_from else end
    # The repealing decision is named in the version, so the document can say what ended it.
    reason = f"{reason} ({reference})" if reference and reference not in reason else reason
    return _change(session, document, values, actor=actor, reason=reason)


def _end_date(session: Session, decision: Mapping[str, Any] | None, *, actor: str) -> tuple[dt.date, str | None]:
    if decision:
        recorded, _ = record_decision(session, {"outcome": "upphävd", **decision}, actor=actor)
        reference = recorded.reference + (f", dnr {recorded.dnr}" if recorded.dnr else "")
        return recorded.meeting_date, reference
    return dt.date.today(), None


def supersede_document(session: Session, old_id: str, new_id: str, *, actor: str, reason: str) -> Document:
    """Mark ``old_id`` as ersatt by ``new_id`` and link them with ”ersätter”."""
    from registry.services.relations import link_documents

    old = get_document(session, old_id)
    new = get_document(session, new_id)
    link_documents(session, {"source": new.id, "target": old.id, "kind": "ersätter"}, actor=actor)
    values: dict[str, Any] = {"status": SUPERSEDED}
    if new.valid_from and (old.valid_until is None or old.valid_until > new.valid_from):
        values["valid_until"] = max(new.valid_from, old.valid_from) if old.valid_from else new.valid_from
    return _change(session, old, values, actor=actor, reason=reason)


def unpublish_document(session: Session, document_id: str, *, actor: str, reason: str) -> Document:
    """Take a document off the public register without losing anything."""
    document = get_document(session, document_id)
    return _change(session, document, {"status": UNPUBLISHED}, actor=actor, reason=reason)


def publish_document(session: Session, document_id: str, *, actor: str, reason: str) -> Document:
    """Mark a document as gällande."""
    document = get_document(session, document_id)
    return _change(session, document, {"status": IN_FORCE}, actor=actor, reason=reason)
