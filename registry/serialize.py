"""Plain-dict views of the register, used by export, version snapshots and the API alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

from registry.models import Body, Case, Decision, Document, Relation


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    return {
        "body": decision.body.key,
        "meeting_date": _iso(decision.meeting_date),
        "paragraph": decision.paragraph,
        "dnr": decision.dnr,
        "outcome": decision.outcome,
        "wording": decision.wording,
        "reservations": list(decision.reservations or []),
    }


def document_to_dict(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "title": document.title,
        "type": document.type_key,
        "status": document.status,
        "scope": document.scope,
        "owner": document.owner,
        "summary": document.summary,
        "full_text": document.full_text,
        "adopted_by": document.adopted_by.key if document.adopted_by else None,
        "decision": decision_to_dict(document.decision) if document.decision else None,
        "valid_from": _iso(document.valid_from),
        "valid_until": _iso(document.valid_until),
        "next_review_on": _iso(document.next_review_on),
        "topics": sorted(document.topic_names),
        "sections": [{"anchor": s.anchor, "heading": s.heading, "text": s.text} for s in document.sections],
        "content_note": document.content_note,
    }


def relation_to_dict(relation: Relation) -> dict[str, Any]:
    return {
        "source": relation.source_id,
        "target": relation.target_id,
        "kind": relation.kind,
        "source_section": relation.source_anchor,
        "target_section": relation.target_anchor,
        "note": relation.note,
    }


def case_to_dict(case: Case) -> dict[str, Any]:
    return {
        "dnr": case.dnr,
        "kind": case.kind,
        "title": case.title,
        "submitted_by": case.submitted_by,
        "submitted_on": _iso(case.submitted_on),
        "text": case.text,
        "decisions": [decision_to_dict(d) for d in case.decisions],
        "documents": [{"id": link.document_id, "role": link.role} for link in case.documents],
        "papers": [
            {"kind": p.kind, "title": p.title, "dates": list(p.dates or []), "text": p.text} for p in case.papers
        ],
    }


def body_to_dict(body: Body) -> dict[str, Any]:
    return {"key": body.key, "name": body.name, "level": body.level}
