"""Identifiers as people write them: diarienummer and § references."""

from __future__ import annotations

import re

from registry.errors import InvalidInput

#: A diarienummer: an optional "Dnr" label, an optional series (KS, BUN, KS AU), a year and a
#: running number ("KS 2025.032", "KS 2025/32", "SLK-2023-01047", "2019-160"). Also published as
#: the pattern of dnr fields in the OpenAPI document.
DNR_PATTERN = (
    r"^\s*(?:[Dd][Nn][Rr]\.?:?\s*)?"
    r"(?P<prefix>[A-Za-zÅÄÖåäöÉé]+(?: +[A-Za-zÅÄÖåäöÉé]+)*)?"
    r"[\s-]*(?P<year>(?:19|20)\d{2})\s*[./:-]\s*(?P<number>\d{1,7})\s*$"
)
_DNR = re.compile(DNR_PATTERN)


def plain_pattern(pattern: str) -> str:
    """The pattern without group names, valid in both Python and JSON Schema (ECMA) syntax."""
    return re.sub(r"\?P<\w+>", "", pattern)


def normalise_dnr(dnr: str) -> str:
    """Return one canonical form for a diarienummer.

    "KS 2025.032", "KS 2025/32" and "ks 2025.32" all become "KS 2025/32".

    :raises InvalidInput: when the text does not look like a diarienummer.
    """
    match = _DNR.match(dnr or "")
    if not match:
        raise InvalidInput(
            f"Diarienumret ”{dnr}” kunde inte tolkas; skriv det som till exempel ”KS 2025.032” eller ”KS 2025/32”.",
            field="dnr",
        )
    prefix = " ".join((match["prefix"] or "").upper().split())
    number = int(match["number"])
    core = f"{match['year']}/{number}"
    return f"{prefix} {core}" if prefix else core


#: "§61", "§ 61", "61 §", "paragraf 61", "61 a".
PARAGRAPH_PATTERN = r"^\s*(?:§|[Pp]aragraf)?\s*(?P<n>\d{1,4}(?:\s?[a-zA-Z])?)\s*(?:§)?\s*$"
_PARAGRAPH = re.compile(PARAGRAPH_PATTERN)


def normalise_paragraph(text: str) -> str:
    """ "§61", "§ 61", "61 §" and "paragraf 61" all become "61"."""
    match = _PARAGRAPH.match(str(text or ""))
    if not match:
        raise InvalidInput(
            f"Paragrafen ”{text}” kunde inte tolkas; skriv ett nummer som ”61” eller ”§ 61”.",
            field="paragraph",
        )
    return match["n"].replace(" ", "").lower()


def slugify(text: str, fallback: str = "avsnitt") -> str:
    """An ASCII anchor from a Swedish heading: "Digital förnyelse" -> "digital-fornyelse"."""
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower().translate(table)).strip("-")
    return slug[:100] or fallback
