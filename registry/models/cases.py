"""The Case aggregate (ärende) with its decisions (beslut) and the documents it concerns."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base
from registry.models.bodies import Body
from registry.models.vocabulary import (
    CASE_DOCUMENT_ROLES,
    CASE_KINDS,
    CASE_PAPER_KINDS,
    DECISION_OUTCOMES,
    sql_in,
)
from registry.timeutil import utcnow

if TYPE_CHECKING:  # the models refer to each other; SQLAlchemy resolves the names at mapping time
    from registry.models.documents import Document


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (CheckConstraint(f"kind IN {sql_in(CASE_KINDS)}", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    #: Diarienummer as written ("KS 2025.032") and normalised ("KS 2025/32"): one ärende.
    dnr: Mapped[str] = mapped_column(String(60))
    dnr_normalised: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(400))
    submitted_by: Mapped[str | None] = mapped_column(String(300))
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    decisions: Mapped[list[Decision]] = relationship(
        back_populates="case", order_by="(Decision.meeting_date, Decision.id)"
    )
    documents: Mapped[list[CaseDocument]] = relationship(back_populates="case", order_by="CaseDocument.id")
    papers: Mapped[list[CasePaper]] = relationship(back_populates="case", order_by="CasePaper.id")


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("body_id", "meeting_date", "paragraph"),
        CheckConstraint(f"outcome IN {sql_in(DECISION_OUTCOMES)}", name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    meeting_date: Mapped[dt.date] = mapped_column(Date)
    #: The § number as text ("61", "61 a").
    paragraph: Mapped[str] = mapped_column(String(20))
    dnr: Mapped[str | None] = mapped_column(String(60))
    dnr_normalised: Mapped[str | None] = mapped_column(String(60), index=True)
    outcome: Mapped[str] = mapped_column(String(30))
    #: The decision as written ("Kommunstyrelsen föreslår att fullmäktige avslår motionen.").
    wording: Mapped[str | None] = mapped_column(Text)
    #: Reservations as written, one entry each.
    reservations: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    body: Mapped[Body] = relationship(lazy="joined")
    case: Mapped[Case | None] = relationship(back_populates="decisions")

    @property
    def reference(self) -> str:
        """ "KS 2025-04-07 § 61", how a protocol paragraph is cited."""
        return f"{self.body.key} {self.meeting_date.isoformat()} § {self.paragraph}"


class CasePaper(Base):
    """A handling in the ärende that is not a styrdokument: the motion, a tjänsteskrivelse ..."""

    __tablename__ = "case_papers"
    __table_args__ = (
        UniqueConstraint("case_id", "kind", "title"),
        CheckConstraint(f"kind IN {sql_in(CASE_PAPER_KINDS)}", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(400))
    #: Every date the sources give the paper, each with where it was read: sources disagree
    #: (the seed's tjänsteskrivelse is 2025-02-03 in its header, 2025-03-07 in the protocol).
    dates: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="papers")


class CaseDocument(Base):
    __tablename__ = "case_documents"
    __table_args__ = (
        UniqueConstraint("case_id", "document_id"),
        CheckConstraint(f"role IN {sql_in(CASE_DOCUMENT_ROLES)}", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))

    case: Mapped[Case] = relationship(back_populates="documents")
    document: Mapped[Document] = relationship()
