"""Organ: KF, KS, KS AU, nämnder, förvaltning, kommundirektör ..."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base
from registry.models.vocabulary import BODY_LEVELS, sql_in


class Body(Base):
    __tablename__ = "bodies"
    __table_args__ = (CheckConstraint(f"level IN {sql_in(BODY_LEVELS)}", name="level_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short form as written in protocols: "KF", "KS", "KS AU", "BUN".
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))

    def __repr__(self) -> str:
        return f"<Body {self.key}>"
