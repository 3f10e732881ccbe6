"""Register-wide settings kept in the database (e.g. which municipality's ruleset applies)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base


class RegisterSetting(Base):
    __tablename__ = "register_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
