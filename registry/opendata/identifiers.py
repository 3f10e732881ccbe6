"""Stable addresses modelled on ELI: /kfs/{kommun}/{typ}/{år}/{löpnummer}.

The work is identified by its year and running number in the författningssamling ("KFS 2025:3"),
given when it is first made public and never changed. The type in the address is for the reader:
a document later given another type keeps its number, and its old address redirects.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.identifiers import slugify
from registry.models import Document
from registry.models.culling import CulledDocument
from registry.models.vocabulary import PUBLIC_STATUSES
from registry.timeutil import utcnow

#: How often a number is tried again when a concurrent writer took it first (PostgreSQL).
_ATTEMPTS = 5


def kfs_year_for(document: Document) -> int:
    """The year the document is numbered in: of its decision, else its validity, else today."""
    if document.decision is not None:
        return document.decision.meeting_date.year
    if document.valid_from is not None:
        return document.valid_from.year
    return utcnow().year


def assign_kfs_number(session: Session, document: Document) -> None:
    """Give a document its KFS number the first time it is public; never renumber.

    The unique index on (kfs_year, kfs_number) settles a race: the loser takes the next number.
    """
    if document.kfs_number is not None or document.status not in PUBLIC_STATUSES:
        return
    from registry.archive.audit import AUDIT_LOCK_KEY
    from registry.db import take_write_lock

    year = kfs_year_for(document)
    # The lock the audit trail takes anyway (this transaction is about to record an event): the
    # highest number is then read by the one writer that will use the next. Without it sixteen
    # writers on PostgreSQL ran out of retries (each saw the others' numbers only after they
    # committed); the unique index and the retries stay as the last line.
    take_write_lock(session, AUDIT_LOCK_KEY)
    for _ in range(_ATTEMPTS):
        taken = session.scalar(select(func.max(Document.kfs_number)).where(Document.kfs_year == year)) or 0
        taken = max(taken, _culled_max(session, year))
        try:
            with session.begin_nested():
                document.kfs_year, document.kfs_number = year, taken + 1
                session.flush()
            return
        except IntegrityError:
            continue
    raise RuntimeError(f"Inget KFS-nummer kunde ges för {year} efter {_ATTEMPTS} försök.")


def _culled_max(session: Session, year: int) -> int:
    """A culled document's number is never given again: its address answers 410 for good."""
    return session.scalar(select(func.max(CulledDocument.kfs_number)).where(CulledDocument.kfs_year == year)) or 0


def kfs_label(year: int | None, number: int | None) -> str | None:
    """ "KFS 2025:3", how the författningssamling cites a document."""
    return f"KFS {year}:{number}" if year and number else None


def kommun_slug(ruleset_key: str) -> str:
    """The kommun part of the address: the ruleset's key (vallentuna), "kommun" for the common core."""
    return "kommun" if ruleset_key == "standard" else slugify(ruleset_key, fallback="kommun")


def work_path(kommun: str, type_key: str, year: int, number: int) -> str:
    return f"/kfs/{kommun}/{slugify(type_key, fallback='dokument')}/{year}/{number}"


def document_path(kommun: str, document: Document) -> str | None:
    """The stable address of a numbered document; None for one never public."""
    if document.kfs_year is None or document.kfs_number is None:
        return None
    return work_path(kommun, document.type_key, document.kfs_year, document.kfs_number)


def version_path(kommun: str, document: Document, version: int) -> str | None:
    work = document_path(kommun, document)
    return f"{work}/version/{version}" if work else None


def in_force_path(kommun: str, document: Document, day: dt.date) -> str | None:
    work = document_path(kommun, document)
    return f"{work}/gallande/{day.isoformat()}" if work else None


def find_by_kfs(session: Session, year: int, number: int) -> Document | None:
    return session.scalar(select(Document).where(Document.kfs_year == year, Document.kfs_number == number))


def find_culled_by_kfs(session: Session, year: int, number: int) -> CulledDocument | None:
    return session.scalar(
        select(CulledDocument).where(CulledDocument.kfs_year == year, CulledDocument.kfs_number == number)
    )
