"""Swedish by default; English for the page chrome behind a switch (content stays as decided)."""

from __future__ import annotations

from flask import session

ENGLISH = {
    "Registret": "The register",
    "Prova en motion": "Try a motion",
    "Regler": "Definitions",
    "Nytt dokument": "New document",
    "Granskning": "Audit trail",
    "Rapporter": "Reports",
    "Användare": "Users",
    "Logga in": "Log in",
    "Logga ut": "Log out",
    "Tillgänglighetsredogörelse": "Accessibility statement",
    "API-dokumentation": "API documentation",
    "Sök": "Search",
    "Filtrera": "Filter",
    "Dokument": "Documents",
    "Typ": "Type",
    "Status": "Status",
    "Organ": "Adopted by",
    "Ämne": "Topic",
    "Avvikelser": "Findings",
    "Till huvudinnehållet": "Skip to main content",
    "In English": "In English",
    "På svenska": "På svenska",
    "Författningssamling": "Municipal code",
    "Ärenden": "Cases",
    "Om registret och öppna data": "About the register and open data",
}


def lang() -> str:
    return session.get("lang", "sv")


def t(text: str) -> str:
    return ENGLISH.get(text, text) if lang() == "en" else text
