"""Every finding the engine can report: its code, its usual severity and what it means in Swedish.

Reports, exports and pages take their Swedish labels from here, so a code is never shown raw.
"""

from __future__ import annotations

FINDING_CODES: dict[str, tuple[str, str]] = {
    "definition_mismatch": ("error", "Innehållet stämmer med en annan typ"),
    "stated_type_definition": ("info", "Den angivna typens definition"),
    "type_contains_other_type": ("error", "En typ ska innehålla en annan typ"),
    "nested_type_definition": ("info", "Den inbäddade typens definition"),
    "title_mixes_types": ("warning", "Titeln blandar typer"),
    "label_doubted": ("warning", "Titelns typ stämmer inte med vad definitionen kräver av titeln"),
    "forbidden_content": ("error", "Innehåll som typen inte får ha"),
    "declares_other_type": ("error", "Dokumentet säger att det innehåller en annan typ"),
    "organ_not_allowed": ("error", "Fel beslutande organ"),
    "missing_parent": ("warning", "Överordnat dokument saknas"),
    "missing_metadata": ("info", "Uppgift saknas"),
    "definition_from_common_core": ("info", "Definitionen kommer från den gemensamma kärnan"),
    "related_documents": ("info", "Dokument i registret om samma ämne"),
    "no_requested_type": ("info", "Ingen begärd typ"),
    "thin_evidence": ("info", "För lite underlag"),
    "requested_type_fits": ("info", "Den begärda typen stämmer"),
    "suggested_request": ("info", "Förslag till att-sats"),
}

SEVERITY_LABELS: dict[str, str] = {"error": "Fel", "warning": "Varning", "info": "Upplysning"}


def finding_label(code: str) -> str:
    """The Swedish name of a finding code (the code itself for one the catalogue lacks)."""
    return FINDING_CODES.get(code, ("info", code))[1]
