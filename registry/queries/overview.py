"""The auditors' overview: findings by document type and by organ, reviews due over time, and
the register's loose ends, as counts a page draws and tabulates. Read side only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.models import Body, Document, Finding
from registry.models.vocabulary import IN_FORCE
from registry.queries import LIVE_STATUSES
from registry.rules.model import Ruleset
from registry.text.ui import N_, Decided, Phrase

OPEN = LIVE_STATUSES  # findings of these documents are open
NO_ORGAN = N_("(inget organ)")
OVERDUE, LATER, NO_DATE = N_("försenade"), N_("senare"), N_("inget datum")


@dataclass(frozen=True)
class Count:
    label: str
    errors: int = 0
    warnings: int = 0
    value: int = 0  # for single-valued series (reviews due)
    key: str = ""  # what a link filters on

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.value


def findings_by(session: Session, ruleset: Ruleset, by: str) -> list[Count]:
    """Open findings (errors and warnings of the current version, documents in force or being
    prepared, overlaps left to their own report) grouped by document type or by organ."""
    column = Document.type_key if by == "type" else func.coalesce(Body.key, NO_ORGAN)
    query = (
        select(column, Finding.severity, func.count())
        .join(Document, Document.id == Finding.document_id)
        .where(
            Finding.document_version == Document.version,
            Finding.severity.in_(("error", "warning")),
            Finding.code != "possible_overlap",
            Document.status.in_(OPEN),
        )
        .group_by(column, Finding.severity)
    )
    if by != "type":
        query = query.outerjoin(Body, Body.id == Document.adopted_by_id)
    counts: dict[str, dict[str, int]] = {}
    for key, severity, n in session.execute(query):
        counts.setdefault(key, {"error": 0, "warning": 0})[severity] = n
    rows = []
    for key, c in counts.items():
        label = ruleset.types[key].label if by == "type" and key in ruleset.types else key
        rows.append(
            Count(Phrase(key) if key == NO_ORGAN else Decided(label), errors=c["error"], warnings=c["warning"], key=key)
        )
    return sorted(rows, key=lambda r: (-r.total, r.label))


def reviews_due(session: Session, today: dt.date | None = None) -> list[Count]:
    """Documents in force by when their aktualitetsprövning is due: overdue, this year, each of
    the next three years, later, and never set."""
    today = today or dt.date.today()
    buckets = {OVERDUE: 0, str(today.year): 0}
    for year in range(today.year + 1, today.year + 4):
        buckets[str(year)] = 0
    buckets[LATER] = 0
    buckets[NO_DATE] = 0
    for (due,) in session.execute(select(Document.next_review_on).where(Document.status == IN_FORCE)):
        if due is None:
            buckets[NO_DATE] += 1
        elif due < today:
            buckets[OVERDUE] += 1
        elif str(due.year) in buckets:
            buckets[str(due.year)] += 1
        else:
            buckets[LATER] += 1
    return [Count(Phrase(label), value=n, key=label) for label, n in buckets.items()]


def register_counts(session: Session) -> list[Count]:
    """How many documents there are of each status."""
    rows = session.execute(select(Document.status, func.count()).group_by(Document.status)).all()
    return sorted((Count(Phrase(status), value=n, key=status) for status, n in rows), key=lambda c: -c.value)
