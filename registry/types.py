"""The canonical document type keys every rule file maps its local names onto."""

from __future__ import annotations

CANONICAL_TYPES: tuple[str, ...] = (
    "vision",
    "policy",
    "strategi",
    "program",
    "plan",
    "handlingsplan",
    "riktlinje",
    "regler",
    "rutin",
    "anvisning",
    "vägledning",
    "checklista",
    "reglemente",
    "delegationsordning",
    "taxa",
    "föreskrift",
    "bolagsordning",
    "ägardirektiv",
)

#: Keys that count as the same answer when comparing types (DESIGN: handlingsplan ≈ plan ...).
EQUIVALENT_TYPES: dict[str, str] = {"handlingsplan": "plan", "regel": "regler", "förhållningssätt": "policy"}


def same_type(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    return EQUIVALENT_TYPES.get(a, a) == EQUIVALENT_TYPES.get(b, b)
