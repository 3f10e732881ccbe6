"""What every report is: a title, columns and rows of plain values, and a summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Document
from registry.queries import snapshot
from registry.text.ui import Phrase

#: Relations that explain why two documents cover the same ground (a riktlinje that
#: concretises its policy is related, not overlapping). "berör" and "hänvisar till" do not.
EXPLAINING_RELATIONS = ("genomför", "konkretiserar", "ersätter", "upphäver")
DUE_SOON_DAYS = 90


@dataclass
class Report:
    name: str
    title: str
    columns: list[tuple[str, str]]  # (key, Swedish heading)
    rows: list[dict[str, Any]]
    summary: str
    groups: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "report": self.name,
            "title": self.title,
            "summary": self.summary,
            "columns": [{"key": k, "title": t} for k, t in self.columns],
            "rows": self.rows,
            "groups": self.groups,
        }


Progress = Callable[[str], None]


def _snapshots(session: Session, ids: set[str]) -> dict[str, Any]:
    """Snapshots (with sections) of just these documents, in chunks the databases accept."""
    from sqlalchemy.orm import selectinload

    found = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        for document in session.scalars(
            select(Document)
            .where(Document.id.in_(wanted[start : start + 500]))
            .options(selectinload(Document.sections), selectinload(Document.topics))
        ).unique():
            found[document.id] = snapshot(document)
    return found


#: A cell with nothing in it, said so.
MISSING = Phrase("(saknas)")
OVERDUE = Phrase("försenad")
DUE_SOON = Phrase("inom 90 dagar")


def _counted(counts: dict[str, int]) -> Phrase:
    """ "Fel beslutande organ: 2, Titeln blandar typer: 1", each name translatable."""
    template = ", ".join(f"%(name{i})s: {count}" for i, count in enumerate(counts.values()))
    return Phrase(template, **{f"name{i}": Phrase(name) for i, name in enumerate(counts)})
