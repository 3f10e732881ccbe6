"""The one table of what the register's fields are called in Swedish, by the schema's field path.

Lower case, as they stand in a sentence ("Ändrat: titel och giltig till"); a form's label is the
same word with a capital (``web.forms.LABELS``). The version history, the audit trail, the
import's suggestions and messages, and the document form all name a field from here, and each
word is in the English catalogue (``N_``)."""

from __future__ import annotations

from registry.text.ui import N_

FIELD_LABELS: dict[str, str] = {
    "title": N_("titel"),
    "type": N_("dokumenttyp"),
    "status": N_("status"),
    "scope": N_("omfattning"),
    "owner": N_("dokumentansvarig"),
    "summary": N_("sammanfattning"),
    "full_text": N_("text"),
    "sections": N_("avsnitt"),
    "content_note": N_("om innehållet"),
    "topics": N_("ämnen"),
    "adopted_by": N_("beslutande organ"),
    "decision": N_("beslut"),
    "decision.body": N_("organet som fattade beslutet"),
    "decision.meeting_date": N_("beslutsdatum"),
    "decision.paragraph": N_("paragraf"),
    "decision.dnr": N_("diarienummer"),
    "valid_from": N_("giltig från"),
    "valid_until": N_("giltig till"),
    "next_review_on": N_("nästa aktualitetsprövning"),
    "supersedes": N_("ersätter"),
    "reason": N_("skäl till ändringen"),
    "expected_version": N_("version"),
    # Columns of an imported förteckning that never come from a document's text:
    "file": N_("fil"),
}


def field_label(path: str) -> str:
    """The Swedish name of a field (the path itself for one the table lacks)."""
    return FIELD_LABELS.get(path, path)
