"""HTML form <-> the shared marshmallow schemas. Forms add no rules of their own."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from registry.models import Document
from registry.text.fields import FIELD_LABELS
from registry.text.ui import Capitalised

#: Schema field path -> form field name (and so the id the error summary links to).
FIELD_FOR_PATH = {
    # One organ field: the decision is the adopting organ's unless it was registered otherwise.
    "decision.body": "adopted_by",
    "decision.meeting_date": "decision_date",
    "decision.paragraph": "decision_paragraph",
    "decision.dnr": "decision_dnr",
    "decision.outcome": "decision_date",
    "decision": "decision_date",
    "type": "type",
}

#: Form field name -> schema field path, for the label (the one table is registry.text.fields).
_LABEL_PATHS = {
    "title": "title",
    "type": "type",
    "status": "status",
    "scope": "scope",
    "owner": "owner",
    "adopted_by": "adopted_by",
    "decision_body": "decision.body",
    "decision_date": "decision.meeting_date",
    "decision_paragraph": "decision.paragraph",
    "decision_dnr": "decision.dnr",
    "valid_from": "valid_from",
    "valid_until": "valid_until",
    "next_review_on": "next_review_on",
    "topics": "topics",
    "summary": "summary",
    "full_text": "full_text",
    "sections_text": "sections",
    "reason": "reason",
    "expected_version": "expected_version",
}
#: The form's labels: the field's name with a capital ("Giltig från"); translated at the edge.
LABELS = {name: Capitalised(FIELD_LABELS[path]) for name, path in _LABEL_PATHS.items()}

_HEADING = re.compile(r"^##\s+(.+)$", re.MULTILINE)


def parse_sections(text: str) -> list[dict[str, str]]:
    """ "## Rubrik" lines start sections; the text under each heading is its body."""
    text = (text or "").replace("\r\n", "\n")
    matches = list(_HEADING.finditer(text))
    sections = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        sections.append({"heading": match.group(1).strip(), "text": text[match.end() : end].strip()})
    return sections


def sections_as_text(document: Document | None) -> str:
    if document is None:
        return ""
    return "\n\n".join(f"## {s.heading}\n{s.text}".rstrip() for s in document.sections)


def form_to_data(form: Mapping[str, str], *, revision: bool) -> dict[str, Any]:
    """Form fields to schema input; empty optional fields become None so they can be cleared."""

    def value(name: str) -> str | None:
        # Browsers send textarea line breaks as CRLF; store them as the rest of the register does.
        text = (form.get(name) or "").replace("\r\n", "\n").strip()
        return text or None

    data: dict[str, Any] = {
        "title": form.get("title", ""),
        "type": form.get("type", ""),
        "status": value("status") or "utkast",
        "scope": value("scope") or "kommunövergripande",
        "owner": value("owner"),
        "adopted_by": value("adopted_by"),
        "summary": value("summary"),
        "full_text": value("full_text"),
        "valid_from": value("valid_from"),
        "valid_until": value("valid_until"),
        "next_review_on": value("next_review_on"),
        "topics": [t.strip() for t in (form.get("topics") or "").split(",") if t.strip()],
        "sections": parse_sections((form.get("sections_text") or "").replace("\r\n", "\n")),
    }
    decision = {
        k: value(f"decision_{f}") for k, f in (("meeting_date", "date"), ("paragraph", "paragraph"), ("dnr", "dnr"))
    }
    if any(decision.values()):
        # The decision is the adopting organ's; a decision registered with another organ keeps it
        # (the form carries it hidden and says so).
        decision["body"] = value("decision_body") or value("adopted_by")
        data["decision"] = {k: v for k, v in decision.items() if v}
    else:
        data["decision"] = None
    if revision:
        data["reason"] = form.get("reason", "")
        try:
            data["expected_version"] = int(form.get("expected_version", ""))
        except ValueError:
            data["expected_version"] = -1
    return data


def document_to_form(document: Document) -> dict[str, str]:
    decision = document.decision
    return {
        "title": document.title,
        "type": document.type_key,
        "status": document.status,
        "scope": document.scope,
        "owner": document.owner or "",
        "adopted_by": document.adopted_by.key if document.adopted_by else "",
        "summary": document.summary or "",
        "full_text": document.full_text or "",
        "valid_from": document.valid_from.isoformat() if document.valid_from else "",
        "valid_until": document.valid_until.isoformat() if document.valid_until else "",
        "next_review_on": document.next_review_on.isoformat() if document.next_review_on else "",
        "topics": ", ".join(document.topic_names),
        "sections_text": sections_as_text(document),
        "decision_body": decision.body.key if decision else "",
        "decision_date": decision.meeting_date.isoformat() if decision else "",
        "decision_paragraph": decision.paragraph if decision else "",
        "decision_dnr": (decision.dnr or "") if decision else "",
        "expected_version": str(document.version),
    }


def field_errors(errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Schema error paths to form field names."""
    result: dict[str, list[str]] = {}
    for path, messages in errors.items():
        name = FIELD_FOR_PATH.get(path) or (
            "sections_text"
            if path.startswith("sections")
            else "topics"
            if path.startswith("topics")
            else path.split(".")[0]
        )
        result.setdefault(name, []).extend(messages)
    return result


def values_to_form(values: Mapping[str, Any]) -> dict[str, str]:
    """Document schema input (as an import proposes it) to the fields of the document form."""
    decision = values.get("decision") or {}
    sections = values.get("sections") or []
    return {
        "title": values.get("title") or "",
        "type": values.get("type") or "",
        "status": values.get("status") or "utkast",
        "scope": values.get("scope") or "kommunövergripande",
        "owner": values.get("owner") or "",
        # A file that names only the deciding organ: it is the adopting one too.
        "adopted_by": values.get("adopted_by") or decision.get("body") or "",
        "summary": values.get("summary") or "",
        "full_text": values.get("full_text") or "",
        "valid_from": values.get("valid_from") or "",
        "valid_until": values.get("valid_until") or "",
        "next_review_on": values.get("next_review_on") or "",
        "topics": ", ".join(values.get("topics") or []),
        "sections_text": "\n\n".join(f"## {s['heading']}\n{s.get('text', '')}".rstrip() for s in sections),
        "decision_body": decision.get("body") or "",
        "decision_date": decision.get("meeting_date") or "",
        "decision_paragraph": decision.get("paragraph") or "",
        "decision_dnr": decision.get("dnr") or "",
    }
