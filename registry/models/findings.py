"""Rule findings stored per document version, with the ruleset that produced them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base
from registry.timeutil import utcnow


class Finding(Base):
    __tablename__ = "findings"
    __table_args__ = (CheckConstraint("severity IN ('error', 'warning', 'info')", name="severity_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    #: The document version the finding was computed for; the current ones match Document.version.
    document_version: Mapped[int] = mapped_column(Integer)
    ruleset_key: Mapped[str] = mapped_column(String(60))
    ruleset_version: Mapped[str] = mapped_column(String(60))
    code: Mapped[str] = mapped_column(String(60), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    clause_type: Mapped[str | None] = mapped_column(String(40))
    clause_text: Mapped[str | None] = mapped_column(Text)
    clause_source: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
