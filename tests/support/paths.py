"""Where the tests find things, and which database they run on."""

from __future__ import annotations

import os
from pathlib import Path

from registry.config import PROJECT_ROOT

PG_URL = os.environ.get("STYRDOK_TEST_DATABASE_URL")
RULES_DIR = PROJECT_ROOT / "rules"
SHARED = PROJECT_ROOT.parent / "shared"
SEED_CASE_FILE = PROJECT_ROOT / "registry" / "demo" / "ks_2025_032_protokoll.txt"


def backend() -> str:
    return "postgresql" if PG_URL else "sqlite"


def shared_file(*parts: str) -> Path:
    return SHARED.joinpath(*parts)
