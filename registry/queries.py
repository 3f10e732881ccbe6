"""Read side: plain snapshots of the register for the engine and the reports. No writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from registry.models import Body, Document, DocumentTopic, Finding, Relation
from registry.models.vocabulary import IN_FORCE, IN_PREPARATION
from registry.related import DocumentSnapshot, RelatedIndex, SectionSnapshot
from registry.rules.engine import type_lexicon
from registry.rules.model import Ruleset
from registry.text.swedish import swedish_key

__all__ = ["swedish_key"]  # callers sort with it; the rest is imported by name

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
    return RelatedIndex(type_lexicon(ruleset), (snapshot(d) for d in live_documents(session)))


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


# --- the register list ------------------------------------------------------------------------------


@dataclass
class RegisterFilters:
    q: str = ""
    type: str = ""
    status: str = ""
    organ: str = ""
    topic: str = ""
    review_due: bool = False


@dataclass
class RegisterRow:
    document: Document
    findings: int


#: The highest page number a register list answers; a larger one would overflow the SQL offset.
MAX_PAGE = 100_000


def list_documents(
    session: Session,
    filters: RegisterFilters,
    *,
    statuses: tuple[str, ...],
    page: int = 1,
    per_page: int = 25,
    today: dt.date | None = None,
) -> tuple[list[RegisterRow], int]:
    """The register as a reader sees it: filtered, in Swedish order, one page at a time."""
    from registry.models import SearchEntry

    query = select(Document.id).where(Document.status.in_(statuses))
    if filters.status:
        query = query.where(Document.status == filters.status)
    if filters.type:
        query = query.where(Document.type_key == filters.type)
    if filters.organ:
        query = query.join(Body, Body.id == Document.adopted_by_id).where(Body.key == filters.organ)
    if filters.topic:
        query = query.where(
            Document.id.in_(select(DocumentTopic.document_id).where(DocumentTopic.topic == filters.topic))
        )
    if filters.review_due:
        limit = (today or dt.date.today()) + dt.timedelta(days=90)
        query = query.where(Document.next_review_on.is_not(None), Document.next_review_on <= limit)
    if filters.q.strip():
        from registry.search import matching_clause

        clause = matching_clause(session, filters.q)
        if clause is not None:
            query = query.where(clause)
    # The index keeps a Swedish sort key per title, so ordering is a plain indexed sort; the
    # window count gives the total in the same pass, so the search runs once per page.
    ordered = (
        query.add_columns(func.count().over().label("total"))
        .outerjoin(SearchEntry, SearchEntry.document_id == Document.id)
        .order_by(SearchEntry.sort_key, Document.id)
    )
    rows = session.execute(ordered.limit(per_page).offset((page - 1) * per_page)).all()
    page_ids = [row.id for row in rows]
    total = int(rows[0].total if rows else session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    # Everything a row shows in one statement per collection, whatever the page size (it was one
    # lazy load of sections and one of topics per row: 100 of 104 statements for a page of 50).
    documents = {
        d.id: d
        for d in session.scalars(
            select(Document)
            .where(Document.id.in_(page_ids))
            .options(selectinload(Document.sections), selectinload(Document.topics))
        ).unique()
    }
    counts = dict(
        session.execute(
            select(Finding.document_id, func.count())
            .join(Document, Document.id == Finding.document_id)
            .where(
                Finding.document_id.in_(page_ids),
                Finding.document_version == Document.version,
                Finding.severity.in_(("error", "warning")),
            )
            .group_by(Finding.document_id)
        ).all()
    )
    return [RegisterRow(documents[i], counts.get(i, 0)) for i in page_ids], total


def register_facets(session: Session, statuses: tuple[str, ...]) -> dict[str, list[str]]:
    """Values the filters can take, from what the reader can see."""
    visible = select(Document.id).where(Document.status.in_(statuses))
    topics = session.scalars(select(DocumentTopic.topic).where(DocumentTopic.document_id.in_(visible)).distinct())
    organs = session.scalars(
        select(Body.key)
        .join(Document, Document.adopted_by_id == Body.id)
        .where(Document.status.in_(statuses))
        .distinct()
    )
    return {"topics": sorted(set(topics), key=swedish_key), "organs": sorted(set(organs), key=swedish_key)}


def relations_of(session: Session, document: Document, statuses: tuple[str, ...]) -> list[dict[str, Any]]:
    """Both directions of every relation, named from this document's side; hidden ends left out."""
    from registry.models.vocabulary import RELATION_KINDS

    rows: list[dict[str, Any]] = []
    for relation in session.scalars(
        select(Relation).where(or_(Relation.source_id == document.id, Relation.target_id == document.id))
    ).unique():
        outgoing = relation.source_id == document.id
        other = relation.target if outgoing else relation.source
        if other.status not in statuses:
            continue
        kind = RELATION_KINDS[relation.kind]
        rows.append(
            {
                "label": kind.label if outgoing else kind.inverse_label,
                "other": other,
                "own_section": relation.source_anchor if outgoing else relation.target_anchor,
                "other_section": relation.target_anchor if outgoing else relation.source_anchor,
                "note": relation.note,
                "kind": relation.kind,
                "outgoing": outgoing,
                "id": relation.id,
            }
        )
    rows.sort(key=lambda r: (r["label"], swedish_key(r["other"].title)))
    return rows


def display_names(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """The names people are shown by, for the login names a history stores (one query).

    The public reads who changed a document by name; the login name, half of a credential,
    is never shown. Actors that are no accounts ("import", "demo") keep their word."""
    from registry.models.users import User

    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    rows = session.execute(select(User.username, User.display_name).where(User.username.in_(wanted))).all()
    return {username: name for username, name in rows}


@dataclass
class CaseFilters:
    organ: str = ""  # a body key: cases with a decision by that organ
    year: int | None = None  # of the decisions (else of the case's date)
    outcome: str = ""


def list_cases(session: Session, filters: CaseFilters) -> list[Any]:
    """Ärenden, newest first, with their decisions (one statement each)."""
    from registry.models import Case, Decision

    query = select(Case).options(selectinload(Case.decisions).joinedload(Decision.body), selectinload(Case.documents))
    if filters.organ:
        query = query.where(
            Case.id.in_(
                select(Decision.case_id).join(Body, Body.id == Decision.body_id).where(Body.key == filters.organ)
            )
        )
    if filters.outcome:
        query = query.where(Case.id.in_(select(Decision.case_id).where(Decision.outcome == filters.outcome)))
    cases = list(session.scalars(query).unique())
    if filters.year:
        cases = [
            c
            for c in cases
            if any(d.meeting_date.year == filters.year for d in c.decisions)
            or (c.submitted_on is not None and c.submitted_on.year == filters.year)
        ]

    def newest(case: Any) -> str:
        dates = [d.meeting_date.isoformat() for d in case.decisions]
        return str(max(dates + [case.submitted_on.isoformat() if case.submitted_on else ""]))

    return sorted(cases, key=lambda c: (newest(c), c.dnr_normalised), reverse=True)


def list_api_tokens(session: Session) -> list[Any]:
    """Every API key ever made, live ones first, newest first: who it acts for, since when,
    revoked when (the hash is never shown; the key itself was shown once, when it was made)."""
    from registry.models import ApiToken

    return list(
        session.scalars(
            select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )
