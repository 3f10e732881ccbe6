"""Organ (bodies): looked up by their short form, created when first named with a level."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.errors import NotFound
from registry.models import Body
from registry.schemas import BodySchema, load_or_raise
from registry.services.audit import record_event


def find_body(session: Session, key: str) -> Body | None:
    """An organ by its short form, case-insensitively ("ks" is "KS"), or None."""
    cleaned = " ".join(key.split())
    return session.scalar(select(Body).where(func.upper(Body.key) == cleaned.upper()))


def get_body(session: Session, key: str) -> Body:
    """Find an organ by its short form, case-insensitively ("ks" is "KS").

    :raises NotFound: naming the organ and the ones that exist.
    """
    body = find_body(session, key)
    if body is None:
        known = ", ".join(session.scalars(select(Body.key).order_by(Body.key))) or "inga ännu"
        raise NotFound(f"Organet ”{key}” finns inte i registret. Kända organ: {known}.", field="body")
    return body


def ensure_body(session: Session, data: Mapping[str, Any], *, actor: str) -> tuple[Body, bool]:
    """Register an organ unless one with the same short form exists; returns (body, created)."""
    values = load_or_raise(BodySchema(), dict(data), what="Organ")
    existing = find_body(session, values["key"])
    if existing is not None:
        return existing, False
    body = Body(key=" ".join(values["key"].split()), name=values["name"], level=values["level"])
    session.add(body)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="body.registered",
        entity_type="body",
        entity_id=body.key,
        after=values,
    )
    return body, True
