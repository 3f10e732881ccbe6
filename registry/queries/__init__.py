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
from registry.rules.engine import type_lexicon
from registry.rules.model import Ruleset
from registry.similarity.related import DocumentSnapshot, RelatedIndex, SectionSnapshot
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
from registry.limits import MAX_PAGE as MAX_PAGE  # noqa: E402  (re-exported: the pages page with it)


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
        from registry.queries.search import matching_clause

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


# --- what the pages read besides the register list (views never build a select() themselves) ----


def list_users(session: Session, *, active_only: bool = False) -> list[Any]:
    """Accounts by login name; with ``active_only`` only those that can still act."""
    from registry.models.users import User

    query = select(User).order_by(User.username)
    if active_only:
        query = query.where(User.active.is_(True))
    return list(session.scalars(query))


def find_original(session: Session, document_id: str, sha256: str) -> Any:
    """The stored original file ``sha256`` of a document, or None."""
    from registry.models import DocumentFile

    return session.scalar(
        select(DocumentFile).where(DocumentFile.document_id == document_id, DocumentFile.sha256 == sha256)
    )


def versions_of(session: Session, document_id: str, *, newest_first: bool = False) -> list[Any]:
    """Every version of a document, oldest first (or newest first)."""
    from registry.models import DocumentVersion

    order = DocumentVersion.version.desc() if newest_first else DocumentVersion.version
    return list(
        session.scalars(select(DocumentVersion).where(DocumentVersion.document_id == document_id).order_by(order))
    )


def version_of(session: Session, document_id: str, number: int) -> Any:
    """Version ``number`` of a document, or None."""
    from registry.models import DocumentVersion

    return session.scalar(
        select(DocumentVersion).where(DocumentVersion.document_id == document_id, DocumentVersion.version == number)
    )


def documents_in(session: Session, statuses: Iterable[str], *, besides: str | None = None) -> list[Document]:
    """Documents with one of ``statuses`` (all but ``besides``), in Swedish title order: what a
    relation or a supersession can point to."""
    found = session.scalars(select(Document).where(Document.status.in_(tuple(statuses))))
    return sorted((d for d in found if d.id != besides), key=lambda d: swedish_key(d.title))


def bodies_by_name(session: Session) -> list[Body]:
    """Every organ, in Swedish order of its name."""
    return sorted(session.scalars(select(Body)), key=lambda b: swedish_key(b.name))


def body_by_key(session: Session, key: str | None) -> Body | None:
    """The organ with this key ("KS"), or None."""
    return session.scalar(select(Body).where(Body.key == key)) if key else None


def case_filter_values(session: Session) -> tuple[list[str], list[int]]:
    """What the list of cases can be filtered by: the organs that decided, the years decided in."""
    from registry.models import Decision

    organs = list(session.scalars(select(Body.key).where(Body.id.in_(select(Decision.body_id))).order_by(Body.key)))
    years = sorted({day.year for day in session.scalars(select(Decision.meeting_date))}, reverse=True)
    return organs, years


def all_cases(session: Session) -> list[Any]:
    """Every ärende in diarienummer order."""
    from registry.models import Case

    return list(session.scalars(select(Case).order_by(Case.dnr_normalised)))


def documents_of_decision(session: Session, decision_id: int, statuses: Iterable[str]) -> list[Document]:
    """The documents a decision adopted, of those a reader may see."""
    return list(
        session.scalars(
            select(Document).where(Document.decision_id == decision_id, Document.status.in_(tuple(statuses)))
        )
    )


def numbered_documents(session: Session, statuses: Iterable[str]) -> list[Document]:
    """Documents with a number in the författningssamling, in number order (for the site map)."""
    return list(
        session.scalars(
            select(Document)
            .where(Document.status.in_(tuple(statuses)), Document.kfs_number.is_not(None))
            .order_by(Document.kfs_year, Document.kfs_number)
        )
    )


def register_span(session: Session, statuses: Iterable[str]) -> tuple[dt.datetime | None, dt.datetime | None, int]:
    """When the first of these documents was registered, when one last changed, and how many."""
    first, last, count = session.execute(
        select(func.min(Document.created_at), func.max(Document.updated_at), func.count()).where(
            Document.status.in_(tuple(statuses))
        )
    ).one()
    return first, last, int(count or 0)


def first_registered(session: Session) -> dt.datetime | None:
    """When the register's first document was registered (any status)."""
    return session.scalar(select(func.min(Document.created_at)))
