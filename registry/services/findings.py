"""Store the rules engine's findings for documents as they are registered or revised."""

from __future__ import annotations

from registry.config import Settings
from registry.services.documents import AfterChangeHook


def assessment_hook(settings: Settings) -> AfterChangeHook | None:
    """The hook that checks each registered or revised document (engine wired in next)."""
    return None
