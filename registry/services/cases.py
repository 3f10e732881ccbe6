"""Ärenden (cases) and beslut (decisions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import Conflict, NotFound
from registry.identifiers import normalise_dnr
from registry.models import Case, CaseDocument, CasePaper, Decision, Document
from registry.schemas import CaseSchema, DecisionSchema, load_or_raise
from registry.serialize import case_to_dict, decision_to_dict
from registry.services.audit import record_event
from registry.services.bodies import get_body


def find_case(session: Session, dnr: str) -> Case | None:
    """The case with this diarienummer in any of the ways people write it."""
    return session.scalar(select(Case).where(Case.dnr_normalised == normalise_dnr(dnr)))


def record_decision(
    session: Session,
    data: Mapping[str, Any],
    *,
    actor: str,
    case: Case | None = None,
    validated: bool = False,
) -> tuple[Decision, bool]:
    """Record a beslut unless the same organ's § on the same date exists; returns (decision, created).

    :raises NotFound: when the organ is not in the register.
    :raises Conflict: when the § already belongs to another ärende.
    """
    values = dict(data) if validated else load_or_raise(DecisionSchema(), dict(data), what="Beslut")
    body = get_body(session, values["body"])
    existing = session.scalar(
        select(Decision).where(
            Decision.body_id == body.id,
            Decision.meeting_date == values["meeting_date"],
            Decision.paragraph == values["paragraph"],
        )
    )
    if existing is not None:
        if case is not None and existing.case_id not in (None, case.id):
            raise Conflict(f"{existing.reference} hör redan till ett annat ärende.", field="decision")
        if case is not None and existing.case_id is None:
            existing.case = case
        return existing, False
    dnr = values.get("dnr") or (case.dnr if case else None)
    decision = Decision(
        body=body,
        meeting_date=values["meeting_date"],
        paragraph=values["paragraph"],
        dnr=dnr,
        dnr_normalised=normalise_dnr(dnr) if dnr else None,
        outcome=values.get("outcome") or "övrigt",
        wording=values.get("wording"),
        reservations=list(values.get("reservations") or []),
        case=case,
    )
    session.add(decision)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="decision.recorded",
        entity_type="decision",
        entity_id=decision.id,
        after=decision_to_dict(decision),
    )
    return decision, True


def attach_document_to_case(session: Session, case: Case, document_id: str, *, role: str, actor: str) -> bool:
    """Say that a case concerns a document; returns False when it already did."""
    if session.get(Document, document_id) is None:
        raise NotFound(f"Dokumentet ”{document_id}” finns inte i registret.", field="documents")
    exists = session.scalar(
        select(CaseDocument).where(CaseDocument.case_id == case.id, CaseDocument.document_id == document_id)
    )
    if exists is not None:
        return False
    session.add(CaseDocument(case=case, document_id=document_id, role=role))
    session.flush()
    record_event(
        session,
        actor=actor,
        action="case.document_attached",
        entity_type="case",
        entity_id=case.dnr_normalised,
        after={"document": document_id, "role": role},
    )
    return True


def register_case(session: Session, data: Mapping[str, Any], *, actor: str) -> Case:
    """Register an ärende with its decisions in order and the documents it concerns.

    :raises Conflict: when an ärende with the same diarienummer exists.
    """
    values = load_or_raise(CaseSchema(), dict(data), what="Ärende")
    normalised = normalise_dnr(values["dnr"])
    if find_case(session, values["dnr"]) is not None:
        raise Conflict(
            f"Ärendet {values['dnr']} finns redan (samma diarienummer som {normalised}).",
            field="dnr",
        )
    case = Case(
        kind=values["kind"],
        dnr=values["dnr"],
        dnr_normalised=normalised,
        title=values["title"],
        submitted_by=values.get("submitted_by"),
        submitted_on=values.get("submitted_on"),
        text=values.get("text"),
    )
    session.add(case)
    session.flush()
    for decision in values["decisions"]:
        record_decision(session, decision, actor=actor, case=case, validated=True)
    for link in values["documents"]:
        attach_document_to_case(session, case, link["id"], role=link["role"], actor=actor)
    for paper in values["papers"]:
        add_case_paper(session, case, paper, actor=actor)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="case.registered",
        entity_type="case",
        entity_id=normalised,
        after=case_to_dict(case),
    )
    return case


def add_case_paper(session: Session, case: Case, paper: Mapping[str, Any], *, actor: str) -> bool:
    """Add a handling (motion, tjänsteskrivelse ...) to a case; False when it is already there."""
    same = select(CasePaper).where(CasePaper.case_id == case.id, CasePaper.kind == paper["kind"])
    if paper["kind"] not in ("motion", "medborgarförslag"):  # a case has one motion, under any title
        same = same.where(CasePaper.title == paper["title"])
    exists = session.scalars(same).first()
    if exists is not None:
        return False
    dates = [{"date": d["date"].isoformat(), "source": d["source"]} for d in paper.get("dates", [])]
    session.add(CasePaper(case=case, kind=paper["kind"], title=paper["title"], dates=dates, text=paper["text"]))
    session.flush()
    record_event(
        session,
        actor=actor,
        action="case.paper_added",
        entity_type="case",
        entity_id=case.dnr_normalised,
        after={"kind": paper["kind"], "title": paper["title"]},
    )
    return True
