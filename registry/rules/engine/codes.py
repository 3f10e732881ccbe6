"""Every finding the engine can report: its code, its usual severity and what it means in Swedish.

Reports, exports and pages take their Swedish labels from here, so a code is never shown raw.
"""

from __future__ import annotations

from registry.text.ui import N_

FINDING_CODES: dict[str, tuple[str, str]] = {
    "definition_mismatch": ("error", N_("Innehållet stämmer med en annan typ")),
    "stated_type_definition": ("info", N_("Den angivna typens definition")),
    "type_contains_other_type": ("error", N_("En typ ska innehålla en annan typ")),
    "nested_type_definition": ("info", N_("Den inbäddade typens definition")),
    "title_mixes_types": ("warning", N_("Titeln blandar typer")),
    "label_doubted": ("warning", N_("Titelns typ stämmer inte med vad definitionen kräver av titeln")),
    "forbidden_content": ("error", N_("Innehåll som typen inte får ha")),
    "declares_other_type": ("error", N_("Dokumentet säger att det innehåller en annan typ")),
    "organ_not_allowed": ("error", N_("Fel beslutande organ")),
    "missing_parent": ("warning", N_("Överordnat dokument saknas")),
    "missing_metadata": ("info", N_("Uppgift saknas")),
    "definition_from_common_core": ("info", N_("Definitionen kommer från den gemensamma kärnan")),
    "related_documents": ("info", N_("Dokument i registret om samma ämne")),
    "no_requested_type": ("info", N_("Ingen begärd typ")),
    "thin_evidence": ("info", N_("För lite underlag")),
    "requested_type_fits": ("info", N_("Den begärda typen stämmer")),
    "suggested_request": ("info", N_("Förslag till att-sats")),
}

SEVERITY_LABELS: dict[str, str] = {"error": N_("Fel"), "warning": N_("Varning"), "info": N_("Upplysning")}


def finding_label(code: str) -> str:
    """The Swedish name of a finding code (the code itself for one the catalogue lacks)."""
    return FINDING_CODES.get(code, ("info", code))[1]
