"""Links between documents and sections, from the relation vocabulary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import Conflict, InvalidInput, NotFound
from registry.models import Document, EndedRelation, Relation, Section
from registry.models.vocabulary import RELATION_KINDS
from registry.schemas import RelationSchema, load_or_raise
from registry.serialize import relation_to_dict
from registry.services.audit import record_event


def _document(session: Session, document_id: str, field: str) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound(f"Dokumentet ”{document_id}” finns inte i registret.", field=field)
    return document


def _check_anchor(session: Session, document: Document, anchor: str, field: str) -> None:
    if not anchor:
        return
    exists = session.scalar(select(Section.id).where(Section.document_id == document.id, Section.anchor == anchor))
    if exists is None:
        raise NotFound(f"”{document.title}” har inget avsnitt ”{anchor}”.", field=field)


def find_relation(session: Session, values: Mapping[str, Any]) -> Relation | None:
    return session.scalar(
        select(Relation).where(
            Relation.source_id == values["source"],
            Relation.target_id == values["target"],
            Relation.kind == values["kind"],
            Relation.source_anchor == (values.get("source_section") or ""),
            Relation.target_anchor == (values.get("target_section") or ""),
        )
    )


def _replacement_reaches(session: Session, start: str, goal: str) -> bool:
    """Whether following ”ersätter” from ``start`` reaches ``goal`` (which would make a cycle)."""
    seen, frontier = {start}, [start]
    while frontier:
        current = frontier.pop()
        if current == goal:
            return True
        for nxt in session.scalars(
            select(Relation.target_id).where(Relation.source_id == current, Relation.kind == "ersätter")
        ):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return False


def link_documents(session: Session, data: Mapping[str, Any], *, actor: str) -> Relation:
    """Link two documents (or sections of them) with a relation kind; one direction is stored.

    :raises InvalidInput: for a self-link.
    :raises NotFound: for a document or section that does not exist.
    :raises Conflict: for a duplicate, or an ”ersätter” that would close a cycle.
    """
    values = load_or_raise(RelationSchema(), dict(data), what="Relation")
    source = _document(session, values["source"], "source")
    target = _document(session, values["target"], "target")
    if source.id == target.id:
        raise InvalidInput("Ett dokument kan inte länkas till sig självt.", field="target")
    _check_anchor(session, source, values["source_section"], "source_section")
    _check_anchor(session, target, values["target_section"], "target_section")
    kind = RELATION_KINDS[values["kind"]]
    if find_relation(session, values) is not None:
        raise Conflict(f"Relationen ”{source.title}” {kind.label} ”{target.title}” finns redan.", field="kind")
    if kind.key == "ersätter" and _replacement_reaches(session, target.id, source.id):
        raise Conflict(
            f"”{target.title}” ersätter redan (direkt eller indirekt) ”{source.title}”; "
            "en cirkel av ersättningar är inte möjlig.",
            field="kind",
        )
    relation = Relation(
        source=source,
        target=target,
        kind=kind.key,
        source_anchor=values["source_section"],
        target_anchor=values["target_section"],
        note=values.get("note"),
        created_by=actor,
    )
    session.add(relation)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="relation.linked",
        entity_type="relation",
        entity_id=relation.id,
        after=relation_to_dict(relation),
    )
    return relation


def _relation(session: Session, relation_id: int) -> Relation:
    relation = session.get(Relation, relation_id)
    if relation is None:
        raise NotFound(f"Det finns ingen gällande relation med id {relation_id}.", field="relation")
    return relation


def end_relation(session: Session, relation_id: int, *, actor: str, reason: str | None = None) -> EndedRelation:
    """End a relation that no longer holds; it moves whole into the history of ended relations."""
    relation = _relation(session, relation_id)
    if reason is not None and len(reason) > 1000:
        raise InvalidInput("Skälet får ha högst 1000 tecken.", field="reason")
    before = relation_to_dict(relation)
    ended = EndedRelation(
        relation_id=relation.id,
        source_id=relation.source_id,
        target_id=relation.target_id,
        kind=relation.kind,
        source_anchor=relation.source_anchor,
        target_anchor=relation.target_anchor,
        note=relation.note,
        created_at=relation.created_at,
        created_by=relation.created_by,
        ended_by=actor,
        reason=(reason or "").strip() or None,
    )
    session.add(ended)
    session.delete(relation)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="relation.ended",
        entity_type="relation",
        entity_id=relation_id,
        before=before,
        after={"reason": ended.reason},
    )
    return ended


def annotate_relation(session: Session, relation_id: int, note: str | None, *, actor: str) -> Relation:
    """Change the comment on a relation (why the documents are linked)."""
    relation = _relation(session, relation_id)
    note = (note or "").strip() or None
    if note is not None and len(note) > 2000:
        raise InvalidInput("Kommentaren får ha högst 2000 tecken.", field="note")
    if note == relation.note:
        return relation
    before = relation.note
    relation.note = note
    session.flush()
    record_event(
        session,
        actor=actor,
        action="relation.annotated",
        entity_type="relation",
        entity_id=relation_id,
        before={"note": before},
        after={"note": note},
    )
    return relation


def ended_relations_of(session: Session, document_id: str) -> list[EndedRelation]:
    return list(
        session.scalars(
            select(EndedRelation)
            .where((EndedRelation.source_id == document_id) | (EndedRelation.target_id == document_id))
            .order_by(EndedRelation.ended_at.desc())
        ).unique()
    )
