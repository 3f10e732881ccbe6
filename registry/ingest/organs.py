"""Organ as documents name them ("kommunfullmäktige", "Barn- och utbildningsnämnden")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.models import Body


@dataclass(frozen=True)
class OrganName:
    key: str
    name: str
    level: str


_FIXED = {
    "kommunfullmäktige": OrganName("KF", "Kommunfullmäktige", "fullmäktige"),
    "fullmäktige": OrganName("KF", "Kommunfullmäktige", "fullmäktige"),
    "kommunstyrelsen": OrganName("KS", "Kommunstyrelsen", "styrelse"),
    "kommunstyrelsens arbetsutskott": OrganName("KS AU", "Kommunstyrelsens arbetsutskott", "utskott"),
    "kommundirektören": OrganName("KDIR", "Kommundirektören", "tjänsteperson"),
    "kommunledningskontoret": OrganName("KLK", "Kommunledningskontoret", "förvaltning"),
}
# The short forms every kommun uses for its highest organ.
_FIXED.update(
    {
        "kf": _FIXED["kommunfullmäktige"],
        "ks": _FIXED["kommunstyrelsen"],
        "ks au": _FIXED["kommunstyrelsens arbetsutskott"],
        "ksau": _FIXED["kommunstyrelsens arbetsutskott"],
    }
)

#: Organ words as they stand in running text, for finding them in a sentence.
ORGAN_IN_TEXT = re.compile(
    r"(?P<organ>kommunfullmäktige|fullmäktige|kommunstyrelsens arbetsutskott|kommunstyrelsen"
    r"|kommundirektören|kommunledningskontoret"
    r"|(?:[A-ZÅÄÖa-zåäö]+-?\s+och\s+)?[A-ZÅÄÖa-zåäö]+nämnden(?:s arbetsutskott)?)",
    re.IGNORECASE,
)


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() != "och"]
    return "".join(w[0].upper() for w in words)


def organ_from_name(name: str) -> OrganName | None:
    """The organ a name stands for, with a short form: "Socialnämnden" -> SN (nämnd)."""
    cleaned = " ".join(name.split()).strip(" ,.")
    lowered = cleaned.lower()
    if lowered in _FIXED:
        return _FIXED[lowered]
    if lowered.endswith("nämndens arbetsutskott"):
        board = organ_from_name(cleaned[: -len(" arbetsutskott")].rstrip("s"))
        if board:
            return OrganName(f"{board.key} AU", cleaned[0].upper() + cleaned[1:], "utskott")
    if lowered.endswith("nämnden"):
        stem = cleaned[: -len("nämnden")]
        key = _initials(stem) + "N"
        return OrganName(key, cleaned[0].upper() + cleaned[1:], "nämnd")
    return None


def find_organ(session: Session, name: str) -> OrganName | None:
    """The register's own organ with this name or short form, else one guessed from the name."""
    cleaned = " ".join(name.split())
    body = session.scalar(
        select(Body).where((func.lower(Body.name) == cleaned.lower()) | (func.upper(Body.key) == cleaned.upper()))
    )
    if body is not None:
        return OrganName(body.key, body.name, body.level)
    guessed = organ_from_name(cleaned)
    if guessed is None:
        return None
    body = session.scalar(select(Body).where(func.lower(Body.name) == guessed.name.lower()))
    return OrganName(body.key, body.name, body.level) if body else guessed
