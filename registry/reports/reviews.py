"""Aktualitetsprövning: when each document is due for review, by the kommun's own rules."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Document
from registry.models.vocabulary import IN_FORCE
from registry.queries import swedish_key
from registry.reports.base import DUE_SOON, DUE_SOON_DAYS, MISSING, OVERDUE, Report
from registry.rules.model import Ruleset
from registry.text.ui import N_, Decided, Phrase


def election_year_on_or_before(day: dt.date) -> int:
    """Swedish general elections are held every four years: 2018, 2022, 2026 …"""
    return day.year - ((day.year - 2018) % 4)


def mandate_start(day: dt.date, level: str | None) -> dt.date:
    """Start of the mandate period that ``day`` falls in: KF's on 15 October of the election
    year, KS's and the nämnder's on 1 January after."""
    year = election_year_on_or_before(day)
    start = dt.date(year, 10, 15) if level == "fullmäktige" else dt.date(year + 1, 1, 1)
    if day < start:
        year -= 4
        start = dt.date(year, 10, 15) if level == "fullmäktige" else dt.date(year + 1, 1, 1)
    return start


def review_due(document: Document, ruleset: Ruleset) -> tuple[dt.date | None, str]:
    """When the document is due for aktualitetsprövning, and why."""
    if document.next_review_on:
        return document.next_review_on, Phrase("angivet datum")
    adopted = document.decision.meeting_date if document.decision else document.valid_from
    if adopted is None:
        return None, Phrase("antagningsdatum saknas")
    document_type = ruleset.types.get(document.type_key)
    years = document_type.review_years if document_type and document_type.review_years else 4
    level = document.adopted_by.level if document.adopted_by else None
    if years == 4:
        # Once per mandate period: by the end of the first year of the next period.
        start = mandate_start(adopted, level)
        next_start = start.replace(year=start.year + 4)
        return next_start.replace(year=next_start.year + 1) - dt.timedelta(days=1), Phrase("en gång per mandatperiod")
    return adopted.replace(year=adopted.year + years), Phrase("vart %(years)s:e år", years=years)


def reviews_report(session: Session, ruleset: Ruleset, *, today: dt.date | None = None) -> Report:
    today = today or dt.date.today()
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    rows = []
    for document in session.scalars(select(Document).where(Document.status == IN_FORCE)).unique():
        due, basis = review_due(document, ruleset)
        if due is None or due > soon:
            continue
        rows.append(
            {
                "state": OVERDUE if due < today else DUE_SOON,
                "due": due.isoformat(),
                "days": (due - today).days,
                "document_id": document.id,
                "document": Decided(document.title),
                "type": Decided(document.type_key),
                "owner": Decided(document.owner) if document.owner else MISSING,
                "organ": document.adopted_by.key if document.adopted_by else MISSING,
                "basis": basis,
            }
        )
    rows.sort(key=lambda r: (r["due"], swedish_key(str(r["document"]))))
    overdue = sum(1 for r in rows if r["state"] == OVERDUE)
    return Report(
        "reviews",
        N_("Aktualitetsprövning"),
        [
            ("state", N_("Läge")),
            ("due", N_("Senast")),
            ("days", N_("Dagar kvar")),
            ("document", N_("Dokument")),
            ("type", N_("Typ")),
            ("owner", N_("Dokumentansvarig")),
            ("organ", N_("Organ")),
            ("basis", N_("Grund")),
        ],
        rows,
        Phrase(
            "%(overdue)s försenade och %(soon)s inom 90 dagar (per %(day)s).",
            overdue=overdue,
            soon=len(rows) - overdue,
            day=today.isoformat(),
        ),
    )
