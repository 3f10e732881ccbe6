"""The whole public register as open data: documents, versions, decisions and relations, as CSV
and JSON Lines, with a Frictionless data package descriptor and a licence statement (CC0).

Never in it: drafts and unpublished documents (nor versions made while a document was a draft),
and personal data beyond the deciding organ: no dokumentansvarig, no editors, no submitters, no
reservations, no version reasons (free text a registrator writes).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.models import Decision, Document, DocumentVersion, Relation
from registry.models.vocabulary import PUBLIC_STATUSES
from registry.opendata.identifiers import document_path, kfs_label
from registry.opendata.records import is_public_version

LICENCE = """Licens: CC0 1.0 Universal (https://creativecommons.org/publicdomain/zero/1.0/deed.sv)

Uppgifterna om styrdokumenten (metadata, versioner, beslut och relationer) får användas fritt,
utan villkor. Dokumentens texter är allmänna handlingar som kommunen har beslutat och publicerat;
ange gärna källan: {kommun}, styrdokumentregistret, {base}/om/registret.

Utkast, avpublicerade dokument och personuppgifter utöver beslutande organ ingår inte.
"""


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Frictionless Table Schema types: string, integer, date, datetime
    description: str


TABLES: dict[str, tuple[str, tuple[Column, ...]]] = {
    "dokument": (
        "Publicerade styrdokument, ett per rad, som de lyder nu.",
        (
            Column("id", "string", "Registrets id för dokumentet (uuid)."),
            Column("kfs", "string", "Nummer i författningssamlingen, t.ex. KFS 2025:3."),
            Column("uri", "string", "Stabil adress (ELI-mönster)."),
            Column("titel", "string", "Dokumentets titel."),
            Column("typ", "string", "Dokumenttyp (nyckel i regelfilen)."),
            Column("typ_namn", "string", "Dokumenttypens namn som kommunen skriver det."),
            Column("status", "string", "gällande, under beredning, upphävd eller ersatt."),
            Column("omfattning", "string", "kommunövergripande eller nämndens namn."),
            Column("beslutande_organ", "string", "Organets förkortning (KF, KS …)."),
            Column("beslut", "string", "Beslutet som antog dokumentet, t.ex. KF 2025-04-07 § 61."),
            Column("dnr", "string", "Diarienummer för beslutet."),
            Column("giltig_fran", "date", "Första dag dokumentet gäller."),
            Column("giltig_till", "date", "Sista dag dokumentet gäller."),
            Column("nasta_oversyn", "date", "När dokumentet senast ska aktualitetsprövas."),
            Column("amnen", "string", "Ämnen, åtskilda med semikolon."),
            Column("sammanfattning", "string", "Dokumentets sammanfattning."),
            Column("version", "integer", "Senaste publika version."),
        ),
    ),
    "versioner": (
        "Varje publik version av varje publicerat dokument, med texten som den löd.",
        (
            Column("dokument_id", "string", "Dokumentets id."),
            Column("uri", "string", "Versionens stabila adress."),
            Column("version", "integer", "Versionsnummer."),
            Column("andrad", "datetime", "När versionen registrerades (UTC)."),
            Column("status", "string", "Dokumentets status i den versionen."),
            Column("titel", "string", "Titeln i den versionen."),
            Column("andrade_falt", "string", "Fält som ändrades, åtskilda med semikolon."),
            Column("text", "string", "Sammanfattning, brödtext och avsnitt i den versionen."),
        ),
    ),
    "beslut": (
        "Beslut som antog publicerade dokument eller hör till ett ärende.",
        (
            Column("id", "integer", "Registrets id för beslutet."),
            Column("uri", "string", "Beslutets adress."),
            Column("organ", "string", "Organets förkortning."),
            Column("organ_namn", "string", "Organets namn."),
            Column("datum", "date", "Sammanträdesdag."),
            Column("paragraf", "string", "Paragraf (§)."),
            Column("referens", "string", "Hur beslutet citeras, t.ex. KS 2025-04-07 § 61."),
            Column("dnr", "string", "Diarienummer."),
            Column("utfall", "string", "bifall, avslag, antagen, förslag till beslut …"),
            Column("lydelse", "string", "Beslutet som det skrevs."),
            Column("arende_dnr", "string", "Ärendets diarienummer, om beslutet hör till ett ärende."),
        ),
    ),
    "relationer": (
        "Relationer mellan publicerade dokument (ersätter, upphäver, genomför, konkretiserar, berör, hänvisar till).",
        (
            Column("fran_id", "string", "Dokumentet relationen utgår från."),
            Column("fran_uri", "string", "Dess stabila adress."),
            Column("relation", "string", "Relationens typ, sedd från första dokumentet."),
            Column("till_id", "string", "Dokumentet relationen pekar på."),
            Column("till_uri", "string", "Dess stabila adress."),
            Column("fran_avsnitt", "string", "Avsnitt i första dokumentet, tomt för hela."),
            Column("till_avsnitt", "string", "Avsnitt i andra dokumentet, tomt för hela."),
            Column("kommentar", "string", "Registratorns kommentar till relationen."),
        ),
    ),
}


def _uri(base: str, kommun: str, document: Document, suffix: str = "") -> str:
    path = document_path(kommun, document)
    return f"{base}{path}{suffix}" if path else ""


def _snapshot_text(snapshot: dict[str, Any]) -> str:
    parts = [snapshot.get("summary") or "", snapshot.get("full_text") or ""]
    parts += [f"{s['heading']}\n{s['text']}" for s in snapshot.get("sections") or []]
    return "\n\n".join(p for p in parts if p)


def rows(
    session: Session, name: str, *, base: str, kommun: str, type_labels: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """The rows of one table, read in a fixed number of statements."""
    documents = (
        session.scalars(
            select(Document)
            .where(Document.status.in_(PUBLIC_STATUSES))
            .options(selectinload(Document.topics))
            .order_by(Document.kfs_year, Document.kfs_number, Document.id)
        )
        .unique()
        .all()
    )
    public = {d.id: d for d in documents}
    if name == "dokument":
        latest = _latest_public_versions(session, public)
        for d in documents:
            yield {
                "id": d.id,
                "kfs": kfs_label(d.kfs_year, d.kfs_number) or "",
                "uri": _uri(base, kommun, d),
                "titel": d.title,
                "typ": d.type_key,
                "typ_namn": type_labels.get(d.type_key, d.type_key),
                "status": d.status,
                "omfattning": d.scope,
                "beslutande_organ": d.adopted_by.key if d.adopted_by else "",
                "beslut": d.decision.reference if d.decision else "",
                "dnr": (d.decision.dnr or "") if d.decision else "",
                "giltig_fran": d.valid_from.isoformat() if d.valid_from else "",
                "giltig_till": d.valid_until.isoformat() if d.valid_until else "",
                "nasta_oversyn": d.next_review_on.isoformat() if d.next_review_on else "",
                "amnen": "; ".join(d.topic_names),
                "sammanfattning": d.summary or "",
                "version": latest.get(d.id, ""),
            }
    elif name == "versioner":
        for version in session.scalars(
            select(DocumentVersion)
            .where(DocumentVersion.document_id.in_(list(public)))
            .order_by(DocumentVersion.document_id, DocumentVersion.version)
        ):
            if not is_public_version(version):
                continue
            snapshot = version.snapshot or {}
            yield {
                "dokument_id": version.document_id,
                "uri": _uri(base, kommun, public[version.document_id], f"/version/{version.version}"),
                "version": version.version,
                "andrad": version.changed_at.isoformat(),
                "status": snapshot.get("status", ""),
                "titel": snapshot.get("title", ""),
                "andrade_falt": "; ".join(k for k in (version.changes or {}) if k not in ("owner",)),
                "text": _snapshot_text(snapshot),
            }
    elif name == "beslut":
        adopting = {d.decision_id for d in documents if d.decision_id}
        in_cases = select(Decision.id).where(Decision.case_id.is_not(None))
        for decision in session.scalars(
            select(Decision)
            .where(Decision.id.in_(adopting) | Decision.id.in_(in_cases))
            .options(selectinload(Decision.case))
            .order_by(Decision.meeting_date, Decision.id)
        ):
            yield {
                "id": decision.id,
                "uri": f"{base}/beslut/{decision.id}",
                "organ": decision.body.key,
                "organ_namn": decision.body.name,
                "datum": decision.meeting_date.isoformat(),
                "paragraf": decision.paragraph,
                "referens": decision.reference,
                "dnr": decision.dnr or "",
                "utfall": decision.outcome,
                "lydelse": decision.wording or "",
                "arende_dnr": decision.case.dnr if decision.case else "",
            }
    elif name == "relationer":
        for relation in session.scalars(
            select(Relation)
            .where(Relation.source_id.in_(list(public)), Relation.target_id.in_(list(public)))
            .order_by(Relation.id)
        ).unique():
            yield {
                "fran_id": relation.source_id,
                "fran_uri": _uri(base, kommun, public[relation.source_id]),
                "relation": relation.kind,
                "till_id": relation.target_id,
                "till_uri": _uri(base, kommun, public[relation.target_id]),
                "fran_avsnitt": relation.source_anchor,
                "till_avsnitt": relation.target_anchor,
                "kommentar": relation.note or "",
            }
    else:
        raise KeyError(name)


def _latest_public_versions(session: Session, public: dict[str, Document]) -> dict[str, int]:
    latest: dict[str, int] = {}
    for version in session.scalars(
        select(DocumentVersion).where(DocumentVersion.document_id.in_(list(public))).order_by(DocumentVersion.version)
    ):
        if is_public_version(version):
            latest[version.document_id] = version.version
    return latest


def as_csv(records: Iterator[dict[str, Any]], columns: tuple[Column, ...]) -> str:
    """The table as CSV; a cell a spreadsheet would run as a formula is written as text (the one
    guard every export shares, registry.reports.exports)."""
    from registry.reports.exports import spreadsheet_safe

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c.name for c in columns], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({key: spreadsheet_safe(value) for key, value in record.items()} for record in records)
    return out.getvalue()


def as_jsonl(records: Iterator[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def record_count(content: str, fmt: str) -> int:
    """Rows in a written table (a CSV field may hold line breaks, so it is parsed, not counted)."""
    if fmt == "csv":
        return max(0, sum(1 for _ in csv.reader(io.StringIO(content))) - 1)
    return content.count("\n")


def datapackage(fmt: str, *, kommun_name: str, base: str) -> dict[str, Any]:
    """A Frictionless Data Package descriptor: what each file holds, field by field."""
    extension = "csv" if fmt == "csv" else "jsonl"
    return {
        "name": "styrdok-oppna-data",
        "title": f"Styrdokument i {kommun_name}",
        "homepage": f"{base}/om/registret",
        "licenses": [{"name": "CC0-1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/"}],
        "resources": [
            {
                "name": name,
                "path": f"{name}.{extension}",
                "format": extension,
                "mediatype": "text/csv" if fmt == "csv" else "application/jsonl",
                "encoding": "utf-8",
                "description": description,
                "schema": {"fields": [{"name": c.name, "type": c.type, "description": c.description} for c in columns]},
            }
            for name, (description, columns) in TABLES.items()
        ],
    }


def bundle(
    session: Session, fmt: str, *, base: str, kommun: str, kommun_name: str, type_labels: dict[str, str]
) -> dict[str, str]:
    """Every file of the export in one format ("csv" or "jsonl"), by file name."""
    if fmt not in ("csv", "jsonl"):
        raise ValueError(fmt)
    files: dict[str, str] = {}
    for name, (_, columns) in TABLES.items():
        records = rows(session, name, base=base, kommun=kommun, type_labels=type_labels)
        files[f"{name}.{fmt}"] = as_csv(records, columns) if fmt == "csv" else as_jsonl(records)
    files["datapackage.json"] = json.dumps(
        datapackage(fmt, kommun_name=kommun_name, base=base), ensure_ascii=False, indent=2
    )
    files["LICENS.txt"] = LICENCE.format(kommun=kommun_name, base=base)
    return files


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def write_bundle(files: dict[str, str], folder: Path) -> list[Path]:
    """Write the files next to each other, each whole or not at all (a temporary name, then rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        target = folder / name
        partial = folder / f".{name}.tmp"
        partial.write_text(content, encoding="utf-8")
        partial.replace(target)
        written.append(target)
    return written
