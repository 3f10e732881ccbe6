"""The audit trail in words: "Rebecka Registrator ändrade titel och sammanfattning i …".

Read side only: events are filtered and paged in the database, then each is told as a Swedish
sentence from its action, its actor's name and the document, case or user it concerns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from registry.models import AuditEvent, Document
from registry.models.culling import CulledDocument

#: The kinds of event a reader filters by, each with the actions it covers.
EVENT_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dokument": ("Dokument", ("document.registered", "document.revised", "document.file_added")),
    "gallring": ("Gallring", ("document.culled",)),
    "relationer": ("Relationer", ("relation.linked", "relation.ended", "relation.annotated")),
    "arenden": (
        "Ärenden och beslut",
        ("case.registered", "case.document_attached", "case.paper_added", "decision.recorded"),
    ),
    "inloggning": ("Inloggningar", ("login", "login.failed", "login.locked", "logout")),
    "konton": (
        "Konton och nycklar",
        ("user.created", "user.changed", "user.unlocked", "token.created", "token.revoked"),
    ),
    "installningar": ("Inställningar och organ", ("setting.changed", "body.registered")),
}

PAGE_SIZE = 50


@dataclass(frozen=True)
class TrailFilters:
    actor: str = ""
    kind: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class TrailLine:
    event: AuditEvent
    who: str
    text: str
    document_id: str | None = None


def _query(filters: TrailFilters) -> Select[Any]:
    query = select(AuditEvent)
    if filters.actor:
        query = query.where(AuditEvent.actor == filters.actor)
    if filters.kind in EVENT_KINDS:
        query = query.where(AuditEvent.action.in_(EVENT_KINDS[filters.kind][1]))
    if filters.since:
        query = query.where(AuditEvent.occurred_at >= dt.datetime.combine(filters.since, dt.time(), tzinfo=dt.UTC))
    if filters.until:
        query = query.where(AuditEvent.occurred_at <= dt.datetime.combine(filters.until, dt.time.max, tzinfo=dt.UTC))
    return query


def trail_page(
    session: Session, filters: TrailFilters, page: int = 1, size: int = PAGE_SIZE
) -> tuple[list[TrailLine], int]:
    """One page of the trail, newest first, told in words, and how many events match in all."""
    query = _query(filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = session.scalars(query.order_by(AuditEvent.id.desc()).limit(size).offset((page - 1) * size)).all()
    return tell(session, events), total


def trail_all(session: Session, filters: TrailFilters) -> list[TrailLine]:
    """Every matching event, oldest first (for an export)."""
    return tell(session, session.scalars(_query(filters).order_by(AuditEvent.id)).all())


def actors(session: Session) -> list[tuple[str, str]]:
    """(actor, name shown) for everyone in the trail, by name."""
    from registry.queries import display_names, swedish_key

    found = session.scalars(select(AuditEvent.actor).distinct()).all()
    names = display_names(session, found)
    return sorted(((a, names.get(a, a)) for a in found), key=lambda pair: swedish_key(pair[1]))


def tell(session: Session, events: Sequence[AuditEvent]) -> list[TrailLine]:
    from registry.queries import display_names

    names = display_names(session, {e.actor for e in events})
    document_ids = {e.entity_id for e in events if e.entity_type == "document"}
    for e in events:
        facts = e.after if e.action == "relation.linked" else e.before
        if e.action in ("relation.linked", "relation.ended") and facts:
            document_ids.update(str(facts[k]) for k in ("source", "target") if facts.get(k))
    titles = dict(session.execute(select(Document.id, Document.title).where(Document.id.in_(document_ids))).all())
    titles.update(
        dict(
            session.execute(
                select(CulledDocument.document_id, CulledDocument.title).where(
                    CulledDocument.document_id.in_(document_ids)
                )
            ).all()
        )
    )
    lines = []
    for event in events:
        who = names.get(event.actor, event.actor)
        lines.append(
            TrailLine(
                event,
                who,
                describe(event, who, titles),
                event.entity_id if event.entity_type == "document" and event.entity_id in titles else None,
            )
        )
    return lines


def _fields(keys: Any) -> str:
    from registry.services.documents import FIELD_LABELS

    labels = [FIELD_LABELS.get(k, k) for k in (keys or []) if k not in ("id",)]
    if not labels:
        return "uppgifter"
    return str(labels[0]) if len(labels) == 1 else ", ".join(labels[:-1]) + " och " + labels[-1]


def describe(event: AuditEvent, who: str, titles: dict[str, str]) -> str:
    """One event as a Swedish sentence."""
    after: dict[str, Any] = event.after or {}
    title = titles.get(event.entity_id, event.entity_id)
    action = event.action
    if action == "document.registered":
        return f"{who} registrerade ”{title}” ({after.get('status', 'utkast')})."
    if action == "document.revised":
        if set(after) == {"status"} or ("status" in after and len(after) <= 2):
            return f"{who} satte status ”{after.get('status')}” på ”{title}”."
        return f"{who} ändrade {_fields(after)} i ”{title}”."
    if action == "document.file_added":
        return f"{who} lade till originalfilen {after.get('filename', '')} i ”{title}”."
    if action == "document.culled":
        return f"{who} gallrade ”{title}”."
    if action == "relation.linked":
        source = titles.get(after.get("source", ""), after.get("source", ""))
        target = titles.get(after.get("target", ""), after.get("target", ""))
        return f"{who} registrerade att ”{source}” {after.get('kind', 'berör')} ”{target}”."
    if action == "relation.ended":
        before: dict[str, Any] = event.before or {}
        source = titles.get(before.get("source", ""), before.get("source", ""))
        target = titles.get(before.get("target", ""), before.get("target", ""))
        why = f" Skäl: {after['reason']}." if after.get("reason") else ""
        return f"{who} avslutade relationen ”{source}” {before.get('kind', '')} ”{target}”.{why}"
    if action == "relation.annotated":
        return f"{who} ändrade kommentaren till en relation: ”{after.get('note') or '(ingen)'}”."
    if action == "decision.recorded":
        return (
            f"{who} registrerade beslutet {after.get('body', '')} {after.get('meeting_date', '')} "
            f"§ {after.get('paragraph', '')} ({after.get('outcome', '')})."
        )
    if action == "case.registered":
        return f"{who} registrerade ärendet {after.get('dnr', event.entity_id)}: {after.get('title', '')}."
    if action == "case.document_attached":
        document = titles.get(after.get("document", ""), after.get("document", ""))
        return f"{who} kopplade ”{document}” till ärendet {event.entity_id}."
    if action == "case.paper_added":
        return f"{who} lade till handlingen ”{after.get('title', '')}” i ärendet {event.entity_id}."
    if action == "body.registered":
        return f"{who} lade till organet {after.get('name', event.entity_id)} ({event.entity_id})."
    if action == "setting.changed":
        return f"{who} ändrade inställningen {event.entity_id} till ”{after.get('value', '')}”."
    if action == "login":
        return f"{who} loggade in."
    if action == "logout":
        return f"{who} loggade ut."
    if action == "login.failed":
        return f"Misslyckad inloggning som {event.entity_id}."
    if action == "login.locked":
        return f"Kontot {event.entity_id} låstes efter för många misslyckade inloggningar."
    if action == "user.created":
        return f"{who} skapade kontot {event.entity_id}."
    if action == "user.changed":
        return f"{who} ändrade kontot {event.entity_id}."
    if action == "user.unlocked":
        return f"{who} låste upp kontot {event.entity_id}."
    if action == "token.created":
        return f"{who} skapade API-nyckeln ”{after.get('name', '')}” för {event.entity_id}."
    if action == "token.revoked":
        return f"{who} återkallade API-nyckeln ”{after.get('name', '')}” för {event.entity_id}."
    return f"{who}: {action} ({event.entity_type} {event.entity_id})."
