"""Register-wide settings stored in the database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry.models import RegisterSetting
from registry.services.audit import record_event

RULESET_KEY = "ruleset"


def get_setting(session: Session, key: str) -> str | None:
    row = session.get(RegisterSetting, key)
    return row.value if row else None


def set_setting(session: Session, key: str, value: str, *, actor: str) -> bool:
    """Set a register setting; returns False (and writes nothing) when it already has the value."""
    row = session.get(RegisterSetting, key)
    if row is not None and row.value == value:
        return False
    before = row.value if row else None
    if row is None:
        session.add(RegisterSetting(key=key, value=value))
    else:
        row.value = value
    session.flush()
    record_event(
        session,
        actor=actor,
        action="setting.changed",
        entity_type="setting",
        entity_id=key,
        before={"value": before},
        after={"value": value},
    )
    return True
