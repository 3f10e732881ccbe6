"""Export the whole register and import it back: JSON (everything) and CSV (the document list).

Import is the inverse of export and idempotent: what is already there is left alone, what
differs becomes a new version, and a bad record stops the whole import with its place named.
The caller commits once, so a failed import changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.errors import InvalidInput, RegistryError, RuleFileError
from registry.models import Body, Case, Document, Relation
from registry.schemas import CaseSchema, DocumentSchema, RegisterExportSchema, flatten_errors
from registry.serialize import (
    body_to_dict,
    case_to_dict,
    document_to_dict,
    relation_to_dict,
)
from registry.services.bodies import ensure_body
from registry.services.cases import add_case_paper, attach_document_to_case, find_case, record_decision, register_case
from registry.services.documents import AfterChangeHook, _change, register_document
from registry.services.relations import find_relation, link_documents
from registry.timeutil import utcnow

EXPORT_FORMAT = "styrdok-export"

Progress = Callable[[int], None]


def export_register(session: Session, *, ruleset: str | None = None) -> dict[str, Any]:
    """The whole register as one JSON-ready dict."""
    documents = session.scalars(select(Document).order_by(Document.title, Document.id)).unique()
    relations = session.scalars(select(Relation).order_by(Relation.id)).unique()
    cases = session.scalars(select(Case).order_by(Case.dnr_normalised))
    bodies = session.scalars(select(Body).order_by(Body.id))
    return {
        "format": EXPORT_FORMAT,
        "format_version": 1,
        "ruleset": ruleset,
        "exported_at": utcnow().isoformat(timespec="seconds"),
        "bodies": [body_to_dict(b) for b in bodies],
        "documents": [document_to_dict(d) for d in documents],
        "relations": [relation_to_dict(r) for r in relations],
        "cases": [case_to_dict(c) for c in cases],
    }


CSV_COLUMNS = (
    "id",
    "title",
    "type",
    "status",
    "scope",
    "owner",
    "adopted_by",
    "decision_body",
    "decision_date",
    "decision_paragraph",
    "decision_dnr",
    "decision_outcome",
    "valid_from",
    "valid_until",
    "next_review_on",
    "topics",
    "summary",
)


def _csv_safe(value: Any) -> str:
    # The one guard every export uses: a cell that a spreadsheet would run is written as text.
    from registry.reports import spreadsheet_safe

    return str(spreadsheet_safe("" if value is None else str(value)))


def write_csv(session: Session, out: TextIO) -> int:
    """The document list as CSV, one row per document; returns the number of rows."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for document in session.scalars(select(Document).order_by(Document.title, Document.id)).unique():
        d = document_to_dict(document)
        decision = d["decision"] or {}
        row = {
            **d,
            "decision_body": decision.get("body"),
            "decision_date": decision.get("meeting_date"),
            "decision_paragraph": decision.get("paragraph"),
            "decision_dnr": decision.get("dnr"),
            "decision_outcome": decision.get("outcome"),
            "topics": "; ".join(d["topics"]),
        }
        writer.writerow([_csv_safe(row.get(c)) for c in CSV_COLUMNS])
        count += 1
    return count


@dataclass
class ImportSummary:
    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: str, kind: str) -> None:
        target = getattr(self, bucket)
        target[kind] = target.get(kind, 0) + 1

    def line(self) -> str:
        def part(counts: dict[str, int]) -> str:
            return ", ".join(f"{n} {k}" for k, n in counts.items()) or "inget"

        return (
            f"Import klar: nytt: {part(self.added)}; ändrat: {part(self.changed)}; oförändrat: {part(self.unchanged)}."
        )


def parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"Filen är inte giltig JSON: rad {error.lineno}, kolumn {error.colno}: {error.msg}."
        ) from None


def _validated_export(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidInput("Filen ska innehålla ett JSON-objekt med documents, relations, cases och bodies.")
    from marshmallow import ValidationError

    try:
        loaded: dict[str, Any] = RegisterExportSchema().load(data)
        return loaded
    except ValidationError as error:
        path, messages = next(iter(flatten_errors(error.messages).items()))
        raise InvalidInput(f"Fel i {_human_path(path, data)}: {messages[0]}", field=path) from None


def _human_path(path: str, data: dict[str, Any]) -> str:
    """ "documents.3.title" -> "documents[3] (”Titel”), fältet title"."""
    parts = path.split(".")
    if len(parts) >= 2 and parts[1].isdigit():
        collection, index = parts[0], int(parts[1])
        record = (
            (data.get(collection) or [None] * (index + 1))[index] if isinstance(data.get(collection), list) else None
        )
        label = ""
        if isinstance(record, dict):
            name = record.get("title") or record.get("dnr") or record.get("key") or record.get("id")
            label = f" (”{name}”)" if name else ""
        rest = ".".join(parts[2:])
        return f"{collection}[{index}]{label}" + (f", fältet ”{rest}”" if rest else "")
    return f"fältet ”{path}”"


def _where(collection: str, index: int, record: dict[str, Any]) -> str:
    name = record.get("title") or record.get("dnr") or record.get("key") or record.get("source")
    return f"{collection}[{index}]" + (f" (”{name}”)" if name else "")


def _import_document(
    session: Session,
    values: dict[str, Any],
    summary: ImportSummary,
    *,
    actor: str,
    after_change: AfterChangeHook | None,
) -> None:
    if values.get("id"):
        existing = session.get(Document, values["id"])
    else:
        # Spreadsheet rows carry no id: the same title and type is the same document.
        existing = session.scalars(
            select(Document).where(
                func.lower(Document.title) == values["title"].lower(),
                Document.type_key == values["type"],
            )
        ).first()
    if existing is None:
        register_document(session, _as_input(values), actor=actor, reason="Importerat", after_change=after_change)
        summary.count("added", "dokument")
        return
    before = document_to_dict(existing)
    changed = _change(session, existing, values, actor=actor, reason="Ändrat vid import", after_change=after_change)
    summary.count("changed" if document_to_dict(changed) != before else "unchanged", "dokument")


def _as_input(values: dict[str, Any]) -> dict[str, Any]:
    """Validated values back to schema input (dates as ISO text) for the register service."""
    dumped: dict[str, Any] = DocumentSchema().dump(values)
    return dumped


def import_register(
    session: Session,
    data: Any,
    *,
    actor: str,
    progress: Progress | None = None,
    after_change: AfterChangeHook | None = None,
) -> ImportSummary:
    """Import a register export. All records are validated before anything is written.

    :raises InvalidInput: naming the record (``documents[3] (”Titel”)``) and what is wrong.
    """
    values = _validated_export(data)
    summary = ImportSummary()
    step = progress or (lambda _n: None)
    for index, body in enumerate(values["bodies"]):
        _, created = _guard(lambda: ensure_body(session, body, actor=actor), "bodies", index, body)
        summary.count("added" if created else "unchanged", "organ")
        step(1)
    for index, document in enumerate(values["documents"]):
        _guard(
            lambda: _import_document(session, document, summary, actor=actor, after_change=after_change),
            "documents",
            index,
            document,
        )
        step(1)
    for index, case in enumerate(values["cases"]):
        outcome = _guard(lambda: import_case(session, case, actor=actor), "cases", index, case)
        summary.count(outcome, "ärenden")
        step(1)
    for index, relation in enumerate(values["relations"]):

        def link() -> None:
            if find_relation(session, relation) is not None:
                summary.count("unchanged", "relationer")
                return
            link_documents(session, relation, actor=actor)
            summary.count("added", "relationer")

        _guard(link, "relations", index, relation)
        step(1)
    session.flush()
    return summary


def import_case(session: Session, case: dict[str, Any], *, actor: str) -> str:
    """Register a validated case, or add what is new to the one with its dnr.

    Returns "added", "changed" or "unchanged"; importing the same case twice adds nothing.
    """
    existing = find_case(session, case["dnr"])
    if existing is None:
        register_case(session, _case_input(case), actor=actor)
        return "added"
    changed = False
    for decision in case["decisions"]:
        _, created = record_decision(session, decision, actor=actor, case=existing, validated=True)
        changed |= created
    for link in case["documents"]:
        changed |= attach_document_to_case(session, existing, link["id"], role=link["role"], actor=actor)
    for paper in case["papers"]:
        changed |= add_case_paper(session, existing, paper, actor=actor)
    return "changed" if changed else "unchanged"


def _case_input(values: dict[str, Any]) -> dict[str, Any]:
    """Validated case values back to schema input for the register service."""
    dumped: dict[str, Any] = CaseSchema().dump(values)
    return dumped


def _guard(action: Callable[[], Any], collection: str, index: int, record: dict[str, Any]) -> Any:
    try:
        return action()
    except RuleFileError:
        raise  # a broken rule file is no fault of the record: its own message names file and field
    except RegistryError as error:
        raise type(error)(f"Fel i {_where(collection, index, record)}: {error.message}", field=error.field) from None


def total_records(data: Any) -> int:
    if not isinstance(data, dict):
        return 0
    return sum(len(data.get(k) or []) for k in ("bodies", "documents", "cases", "relations"))


def read_csv_rows(text: str) -> Iterable[tuple[int, dict[str, Any]]]:
    """Yield (line number, document input) for each row of a document-list CSV."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        raise InvalidInput("CSV-filen är tom.")
    unknown = [c for c in reader.fieldnames if c not in CSV_COLUMNS]
    if unknown:
        raise InvalidInput(
            f"CSV-filen har okända kolumner: {', '.join(unknown)}. Kända kolumner: {', '.join(CSV_COLUMNS)}."
        )
    for row in reader:
        line = reader.line_num
        if None in row:
            raise InvalidInput(f"Rad {line}: fler värden än kolumner.")
        cells = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        cells = {
            k: (v[1:] if v.startswith("'") and v[1:2] in ("=", "+", "-", "@") else v) for k, v in cells.items() if v
        }
        document: dict[str, Any] = {
            k: cells[k]
            for k in (
                "id",
                "title",
                "type",
                "status",
                "scope",
                "owner",
                "adopted_by",
                "valid_from",
                "valid_until",
                "next_review_on",
                "summary",
            )
            if k in cells
        }
        if "topics" in cells:
            document["topics"] = [t.strip() for t in cells["topics"].split(";") if t.strip()]
        if any(k.startswith("decision_") for k in cells):
            document["decision"] = {
                key: cells[f"decision_{column}"]
                for key, column in (
                    ("body", "body"),
                    ("meeting_date", "date"),
                    ("paragraph", "paragraph"),
                    ("dnr", "dnr"),
                    ("outcome", "outcome"),
                )
                if f"decision_{column}" in cells
            }
        yield line, document


def import_csv(
    session: Session,
    text: str,
    *,
    actor: str,
    progress: Progress | None = None,
    after_change: AfterChangeHook | None = None,
) -> ImportSummary:
    """Import a document-list CSV; a bad row stops the import with its line number."""
    from marshmallow import ValidationError

    summary = ImportSummary()
    rows = list(read_csv_rows(text))
    validated = []
    for line, document in rows:
        try:
            validated.append((line, DocumentSchema().load(document)))
        except ValidationError as error:
            path, messages = next(iter(flatten_errors(error.messages).items()))
            raise InvalidInput(f"Rad {line}: kolumnen ”{path.replace('.', '_')}”: {messages[0]}", field=path) from None
    for line, values in validated:
        try:
            _import_document(session, values, summary, actor=actor, after_change=after_change)
        except RegistryError as error:
            raise type(error)(f"Rad {line}: {error.message}", field=error.field) from None
        if progress:
            progress(1)
    session.flush()
    return summary
