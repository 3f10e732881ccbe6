"""The demo register: Vallentuna and the case Styrdok was born from (KS 2025.032)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from registry.services.documents import AfterChangeHook
from registry.services.settings import RULESET_KEY, set_setting
from registry.services.transfer import ImportSummary, import_register

DEMO_RULESET = "vallentuna"


def demo_data() -> dict[str, Any]:
    text = resources.files("registry.demo").joinpath("vallentuna.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def demo_motion_text() -> str:
    return resources.files("registry.demo").joinpath("motion_ai_vallentuna.txt").read_text(encoding="utf-8")


def load_demo(session: Session, *, actor: str, after_change: AfterChangeHook | None = None) -> ImportSummary:
    """Load the demo register; loading it again changes nothing."""
    # The ruleset first, so the demo documents are checked against Vallentuna's definitions.
    set_setting(session, RULESET_KEY, DEMO_RULESET, actor=actor)
    return import_register(session, demo_data(), actor=actor, after_change=after_change)


#: Demo accounts, one per role, created only with ``init --demo``. Never for a real register.
DEMO_USERS = (
    ("registrator", "Rebecka Registrator", "registrator"),
    ("revisor", "Rasmus Revisor", "revisor"),
    ("admin", "Ada Admin", "admin"),
)
DEMO_PASSWORD = "styrdok-demo-2025"


def ensure_demo_users(session: Session, *, actor: str) -> list[str]:
    """Create the demo accounts that do not exist yet; returns their usernames."""
    from sqlalchemy import select

    from registry.models import User
    from registry.services.users import create_user

    created = []
    for username, name, role in DEMO_USERS:
        if session.scalar(select(User).where(User.username == username)) is None:
            create_user(
                session,
                {"username": username, "display_name": name, "role": role, "password": DEMO_PASSWORD},
                actor=actor,
            )
            created.append(username)
    return created
