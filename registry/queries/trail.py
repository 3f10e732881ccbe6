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
from registry.text.ui import N_, Decided, Phrase

#: Every sentence is a Phrase: Swedish as it is, said in the reader's language by the web (its
#: values that are the municipality's or a person's own words are Decided, kept as they are).
_ = Phrase

#: The kinds of event a reader filters by, each with the actions it covers.
EVENT_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dokument": (N_("Dokument"), ("document.registered", "document.revised", "document.file_added")),
    "gallring": (N_("Gallring"), ("document.culled",)),
    "relationer": (N_("Relationer"), ("relation.linked", "relation.ended", "relation.annotated")),
    "arenden": (
        N_("Ärenden och beslut"),
        ("case.registered", "case.document_attached", "case.paper_added", "decision.recorded"),
    ),
    "inloggning": (N_("Inloggningar"), ("login", "login.failed", "login.locked", "logout")),
    "konton": (
        N_("Konton och nycklar"),
        ("user.created", "user.changed", "user.unlocked", "token.created", "token.revoked"),
    ),
    "installningar": (N_("Inställningar och organ"), ("setting.changed", "body.registered")),
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

    labels = [_(FIELD_LABELS.get(k, k)) for k in (keys or []) if k not in ("id",)]
    if not labels:
        return _("uppgifter")
    if len(labels) == 1:
        return str(labels[0])
    return _("%(some)s och %(last)s", some=", ".join(labels[:-1]), last=labels[-1])


def describe(event: AuditEvent, who: str, titles: dict[str, str]) -> str:
    """One event as a sentence: Swedish, or through ``_`` in the reader's language."""
    after: dict[str, Any] = event.after or {}
    title = Decided(titles.get(event.entity_id, event.entity_id))
    who = Decided(who)
    action = event.action
    subject = event.entity_id
    if action == "document.registered":
        return _(
            "%(who)s registrerade ”%(title)s” (%(status)s).",
            who=who,
            title=title,
            status=_(after.get("status", "utkast")),
        )
    if action == "document.revised":
        if set(after) == {"status"} or ("status" in after and len(after) <= 2):
            return _(
                "%(who)s satte status ”%(status)s” på ”%(title)s”.",
                who=who,
                status=_(str(after.get("status"))),
                title=title,
            )
        return _("%(who)s ändrade %(fields)s i ”%(title)s”.", who=who, fields=_fields(after), title=title)
    if action == "document.file_added":
        return _(
            "%(who)s lade till originalfilen %(file)s i ”%(title)s”.",
            who=who,
            file=Decided(after.get("filename", "")),
            title=title,
        )
    if action == "document.culled":
        return _("%(who)s gallrade ”%(title)s”.", who=who, title=title)
    if action == "relation.linked":
        source = Decided(titles.get(after.get("source", ""), after.get("source", "")))
        target = Decided(titles.get(after.get("target", ""), after.get("target", "")))
        return _(
            "%(who)s registrerade att ”%(source)s” %(kind)s ”%(target)s”.",
            who=who,
            source=source,
            kind=_(after.get("kind", "berör")),
            target=target,
        )
    if action == "relation.ended":
        before: dict[str, Any] = event.before or {}
        source = Decided(titles.get(before.get("source", ""), before.get("source", "")))
        target = Decided(titles.get(before.get("target", ""), before.get("target", "")))
        kind = _(before["kind"]) if before.get("kind") else ""
        if after.get("reason"):
            return _(
                "%(who)s avslutade relationen ”%(source)s” %(kind)s ”%(target)s”. Skäl: %(reason)s.",
                who=who,
                source=source,
                kind=kind,
                target=target,
                reason=Decided(after["reason"]),
            )
        return _(
            "%(who)s avslutade relationen ”%(source)s” %(kind)s ”%(target)s”.",
            who=who,
            source=source,
            kind=kind,
            target=target,
        )
    if action == "relation.annotated":
        return _(
            "%(who)s ändrade kommentaren till en relation: ”%(note)s”.",
            who=who,
            note=Decided(after["note"]) if after.get("note") else _("(ingen)"),
        )
    if action == "decision.recorded":
        return _(
            "%(who)s registrerade beslutet %(body)s %(date)s § %(paragraph)s (%(outcome)s).",
            who=who,
            body=Decided(after.get("body", "")),
            date=after.get("meeting_date", ""),
            paragraph=after.get("paragraph", ""),
            outcome=_(after.get("outcome", "")) if after.get("outcome") else "",
        )
    if action == "case.registered":
        return _(
            "%(who)s registrerade ärendet %(dnr)s: %(title)s.",
            who=who,
            dnr=after.get("dnr", subject),
            title=Decided(after.get("title", "")),
        )
    if action == "case.document_attached":
        document = Decided(titles.get(after.get("document", ""), after.get("document", "")))
        return _("%(who)s kopplade ”%(document)s” till ärendet %(dnr)s.", who=who, document=document, dnr=subject)
    if action == "case.paper_added":
        return _(
            "%(who)s lade till handlingen ”%(title)s” i ärendet %(dnr)s.",
            who=who,
            title=Decided(after.get("title", "")),
            dnr=subject,
        )
    if action == "body.registered":
        return _(
            "%(who)s lade till organet %(name)s (%(key)s).",
            who=who,
            name=Decided(after.get("name", subject)),
            key=subject,
        )
    if action == "setting.changed":
        return _(
            "%(who)s ändrade inställningen %(key)s till ”%(value)s”.",
            who=who,
            key=subject,
            value=Decided(after.get("value", "")),
        )
    if action == "login":
        return _("%(who)s loggade in.", who=who)
    if action == "logout":
        return _("%(who)s loggade ut.", who=who)
    if action == "login.failed":
        return _("Misslyckad inloggning som %(user)s.", user=Decided(subject))
    if action == "login.locked":
        return _("Kontot %(user)s låstes efter för många misslyckade inloggningar.", user=subject)
    if action == "user.created":
        return _("%(who)s skapade kontot %(user)s.", who=who, user=subject)
    if action == "user.changed":
        return _("%(who)s ändrade kontot %(user)s.", who=who, user=subject)
    if action == "user.unlocked":
        return _("%(who)s låste upp kontot %(user)s.", who=who, user=subject)
    if action == "token.created":
        return _(
            "%(who)s skapade API-nyckeln ”%(name)s” för %(user)s.",
            who=who,
            name=Decided(after.get("name", "")),
            user=subject,
        )
    if action == "token.revoked":
        return _(
            "%(who)s återkallade API-nyckeln ”%(name)s” för %(user)s.",
            who=who,
            name=Decided(after.get("name", "")),
            user=subject,
        )
    return f"{who}: {action} ({event.entity_type} {subject})."
