"""The spreadsheet register most kommuner keep: CSV or XLSX, Swedish headers, messy cells.

The header row is found among the first rows, each column is mapped to a register field by its
Swedish name ("Beslutad av", "Giltig t.o.m.", "Dnr"), and the mapping can be overridden
("--kolumn 'Namn på dokumentet=titel'"). Cells are cleaned, dates read in the forms people type.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from registry.errors import InvalidInput
from registry.identifiers import slugify
from registry.ingest.extract import Extracted

#: Register fields a column can fill, with the Swedish words that name them in a header.
#: Longest and most specific words first; a header is matched on whole words.
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "file": ("filnamn", "fil", "länk", "lank", "url", "sökväg", "dokumentfil"),
    "decision.meeting_date": (
        "beslutsdatum",
        "antagen datum",
        "datum för beslut",
        "beslutad datum",
        "antagandedatum",
        "datum antagen",
        "antagen den",
        "beslutad den",
        "datum",
    ),
    "decision.paragraph": ("paragraf", "§", "par"),
    "decision.dnr": ("diarienummer", "diarienr", "dnr", "ärendenummer"),
    "valid_until": (
        "giltig till",
        "giltig tom",
        "giltig t o m",
        "gäller till",
        "gäller tom",
        "gäller t o m",
        "giltighetstid",
        "upphör",
    ),
    "valid_from": ("giltig från", "gäller från", "gäller fr o m", "giltig fr o m", "ikraftträdande"),
    "next_review_on": (
        "nästa revidering",
        "revideras senast",
        "nästa översyn",
        "översyn",
        "aktualitetsprövning",
        "revideras",
    ),
    "adopted_by": (
        "beslutad av",
        "antagen av",
        "beslutande organ",
        "beslutsinstans",
        "fastställd av",
        "organ",
        "beslutad",
        "antagen",
    ),
    "owner": ("dokumentansvarig", "dokumentägare", "ansvarig förvaltning", "ansvarig", "ägare", "förvaltning"),
    "type": ("dokumenttyp", "typ av dokument", "typ", "kategori", "sort"),
    "status": ("status", "läge"),
    "topics": ("ämnesord", "nyckelord", "ämne", "taggar"),
    "summary": ("sammanfattning", "beskrivning", "kommentar"),
    "scope": ("omfattning", "gäller för", "räckvidd"),
    "title": (
        "dokumentnamn",
        "namn på dokumentet",
        "namn på dokument",
        "titel",
        "rubrik",
        "benämning",
        "dokument",
        "namn",
    ),
}

#: The Swedish names a person may use in an override, and the register field each stands for.
OVERRIDE_NAMES = {
    "titel": "title",
    "typ": "type",
    "beslutad av": "adopted_by",
    "organ": "adopted_by",
    "beslutsdatum": "decision.meeting_date",
    "datum": "decision.meeting_date",
    "paragraf": "decision.paragraph",
    "dnr": "decision.dnr",
    "diarienummer": "decision.dnr",
    "dokumentansvarig": "owner",
    "ansvarig": "owner",
    "giltig från": "valid_from",
    "giltig till": "valid_until",
    "nästa översyn": "next_review_on",
    "status": "status",
    "fil": "file",
    "ämnesord": "topics",
    "sammanfattning": "summary",
    "omfattning": "scope",
    "ingen": None,
    "hoppa över": None,
}
OVERRIDE_NAMES.update({f: f for f in FIELD_WORDS})


def _header_key(text: str) -> str:
    lowered = text.lower().replace(".", " ").replace("_", " ").replace(":", " ")
    return " ".join(re.sub(r"[^\wåäö§ ]", " ", lowered).split())


def guess_field(header: str) -> str | None:
    """The register field a Swedish column header names, or None."""
    key = _header_key(header)
    if not key:
        return None
    for field_name, words in FIELD_WORDS.items():
        for word in words:
            if key == word or re.search(rf"(?:^| ){re.escape(word)}(?: |$)", key):
                return field_name
    return None


@dataclass
class Sheet:
    """A register spreadsheet: its rows as {header: cell}, and how the columns map to fields."""

    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as the spreadsheet shows it, cells)
    mapping: dict[str, str | None] = field(default_factory=dict)  # header -> field

    def describe_mapping(self) -> str:
        from registry.ingest.metadata import FIELD_LABELS

        parts = [f"”{h}” → {FIELD_LABELS.get(f, f) if f else '(används inte)'}" for h, f in self.mapping.items()]
        return "Kolumner: " + "; ".join(parts)

    def values(self, cells: dict[str, str]) -> dict[str, str]:
        """A row as {field: cell}, the first non-empty column winning for each field."""
        out: dict[str, str] = {}
        for header, field_name in self.mapping.items():
            value = cells.get(header, "")
            if field_name and value and field_name not in out:
                out[field_name] = value
        return out


def _rows_from_csv(text: str) -> list[list[str]]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    return [[" ".join(c.split()) for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _header_row(rows: list[list[str]], overrides: dict[str, str | None]) -> int | None:
    """The first row naming a title column and at least one more field (overrides count)."""
    given = {_header_key(h): f for h, f in overrides.items()}
    for index, row in enumerate(rows[:15]):
        fields = [given.get(_header_key(c), guess_field(c)) for c in row if c]
        if "title" in fields and (len([f for f in fields if f]) >= 2 or given):
            return index
    return None


def read_sheet(extracted: Extracted, overrides: dict[str, str | None] | None = None) -> Sheet:
    """The register in a CSV or XLSX file. Raises InvalidInput when no header row is found."""
    if extracted.kind == "xlsx":
        candidates = [(s["name"], s["rows"]) for s in extracted.sheets]
    elif extracted.kind == "text":
        candidates = [(extracted.name, _rows_from_csv(extracted.text))]
    else:
        raise InvalidInput(f"{extracted.name} är inte ett kalkylblad (CSV eller XLSX).")
    for name, rows in candidates:
        header_at = _header_row(rows, overrides or {})
        if header_at is None:
            continue
        headers = [h or f"Kolumn {i + 1}" for i, h in enumerate(rows[header_at])]
        mapping: dict[str, str | None] = {h: guess_field(h) for h in headers}
        for header, target in (overrides or {}).items():
            match = next((h for h in headers if _header_key(h) == _header_key(header)), None)
            if match is None:
                raise InvalidInput(
                    f"Kolumnen ”{header}” finns inte i {extracted.name}. Kolumner: {', '.join(headers)}."
                )
            mapping[match] = target
        if "title" not in mapping.values():
            raise InvalidInput(f"{extracted.name}: ingen kolumn är titel; ange den med --kolumn ”Rubrik=titel”.")
        body = []
        for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
            if not any(row):
                continue
            cells = {headers[i]: v for i, v in enumerate(row[: len(headers)]) if v}
            body.append((offset, cells))
        label = f"{extracted.name}, blad {name}" if extracted.kind == "xlsx" and len(candidates) > 1 else extracted.name
        return Sheet(label, headers, body, mapping)
    raise InvalidInput(
        f"{extracted.name}: hittade ingen rubrikrad med en titelkolumn (t.ex. ”Titel” eller ”Dokumentnamn”) "
        "bland de första 15 raderna."
    )


def parse_override(text: str) -> tuple[str, str | None]:
    """ "Namn på dokumentet=titel" -> ("Namn på dokumentet", "title"); a Swedish error otherwise."""
    if "=" not in text:
        raise InvalidInput(f"Kolumnangivelsen ”{text}” ska se ut som ”Rubrik=titel”.")
    header, name = (part.strip() for part in text.rsplit("=", 1))
    key = name.lower()
    if not header or key not in OVERRIDE_NAMES:
        known = ", ".join(k for k in OVERRIDE_NAMES if k not in FIELD_WORDS)
        raise InvalidInput(f"Okänt fält ”{name}” i ”{text}”. Använd till exempel: {known}.")
    return header, OVERRIDE_NAMES[key]


def file_key(name: str) -> str:
    """A file name or title as a matching key: "Riktlinjer för IT (2019).pdf" -> "riktlinjer-for-it-2019"."""
    stem = re.sub(r"\.(pdf|docx|txt)$", "", name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    return slugify(stem, fallback="")


def type_from_cell(cell: str, known: dict[str, str], lexicon: Any) -> str | None:
    """ "Riktlinjer", "POLICY", "Handlingsplan" -> the type key; None if not a known type."""
    word = cell.strip().lower()
    if word in known:
        return known[word]
    found: str | None = lexicon.type_of(word)
    return found
