"""The open register: stable /kfs/ addresses, linked data, the catalogue, feeds, bulk downloads,
the författningssamling and the page that says how to cite the register."""

from __future__ import annotations

import datetime as dt
import json

from flask import abort, current_app, redirect, render_template, request, url_for

from registry.models import Decision, Document, DocumentVersion
from registry.models.vocabulary import PUBLIC_STATUSES
from registry.opendata.identifiers import (
    document_path,
    find_by_kfs,
    find_culled_by_kfs,
    kfs_label,
    kommun_slug,
    version_path,
)
from registry.opendata.records import is_public_version, public_versions, standing_on
from registry.queries import body_by_key, documents_of_decision, register_span, version_of
from registry.text.ui import Decided, Phrase
from registry.types import CANONICAL_TYPES
from web.db import db
from web.pages.blueprint import bp
from web.pages.common import ruleset, visible_statuses

LINKED_DATA = "application/ld+json"


def base_url() -> str:
    """The register's public address: STYRDOK_PUBLIC_URL, else the address the reader used."""
    configured = current_app.config["STYRDOK_SETTINGS"].public_url
    return configured or request.url_root.rstrip("/")


def kommun() -> str:
    return kommun_slug(ruleset().key)


def stable_url(document: Document) -> str | None:
    """The full stable address of a numbered document (for pages, feeds and exports)."""
    path = document_path(kommun(), document)
    return f"{base_url()}{path}" if path else None


def wants_linked_data() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", LINKED_DATA, "application/json"], default="text/html")
    return best in (LINKED_DATA, "application/json") or request.args.get("format") == "jsonld"


def linked_data_response(data: dict):
    response = current_app.response_class(json.dumps(data, ensure_ascii=False, indent=1), mimetype=LINKED_DATA)
    response.headers["Vary"] = "Accept"
    return response


def document_jsonld(document: Document) -> dict | None:
    """The document's linked data, or None for one the public cannot read or that has no number."""
    from registry.opendata.linked_data import document_jsonld as build

    if document.status not in PUBLIC_STATUSES or document.kfs_number is None:
        return None
    return build(db(), document, base=base_url(), kommun=kommun(), ruleset=ruleset())


def _work(kommun_key: str, year: int, number: int) -> Document:
    """The document at a stable address; 410 with the tombstone's facts once it is culled."""
    if kommun_key != kommun():
        abort(404)
    document = find_by_kfs(db(), year, number)
    if document is None:
        tombstone = find_culled_by_kfs(db(), year, number)
        if tombstone is not None:
            from web.errors import ApiError

            raise ApiError(
                410,
                f"{kfs_label(year, number)} ”{tombstone.title}” gallrades {tombstone.culled_at:%Y-%m-%d} "
                f"enligt {tombstone.decision_reference}.",
            )
        abort(404)
    if document.status not in visible_statuses():
        abort(404)
    return document


def _canonical_or_none(document: Document, suffix: str = ""):
    """A redirect when the address names another type than the document has now (it was
    reclassified): the number is the identity, the type is for the reader."""
    path = document_path(kommun(), document)
    if path and request.path != path + suffix:
        target = path + suffix
        if request.query_string:
            target += "?" + request.query_string.decode("ascii", "replace")
        return redirect(target, code=301)
    return None


@bp.route("/kfs/<kommun_key>/<type_slug>/<int:year>/<int:number>")
def kfs_work(kommun_key: str, type_slug: str, year: int, number: int):
    document = _work(kommun_key, year, number)
    moved = _canonical_or_none(document)
    if moved is not None:
        return moved
    if wants_linked_data():
        data = document_jsonld(document)
        if data is None:
            abort(404)
        return linked_data_response(data)
    from web.pages.documents import document as document_page

    return document_page(document.id)


def _version_or_404(document: Document, number: int) -> DocumentVersion:
    version = version_of(db(), document.id, number)
    if version is None:
        abort(404)
    if "read_all" not in _abilities() and (document.status not in PUBLIC_STATUSES or not is_public_version(version)):
        abort(404)  # a version made while the document was a draft is not public
    return version


def _abilities() -> set[str]:
    from web.auth import can

    return {a for a in ("read_all",) if can(a)}


def _render_version(document: Document, version: DocumentVersion, *, standing=None):
    from registry.opendata.linked_data import expression_node
    from registry.services.documents import FIELD_LABELS

    visible = public_versions(db(), document) if "read_all" not in _abilities() else None
    numbers = [v.version for v in visible] if visible is not None else list(range(1, document.version + 1))
    index = numbers.index(version.version) if version.version in numbers else -1
    data = None
    if document.kfs_number is not None and is_public_version(version) and document.status in PUBLIC_STATUSES:
        data = {"@context": _context(), **expression_node(base_url(), kommun(), document, version)}
    if wants_linked_data():
        if data is None:
            abort(404)
        return linked_data_response(data)
    snapshot = version.snapshot or {}
    decision = snapshot.get("decision")
    organ = body_by_key(db(), snapshot.get("adopted_by"))
    return render_template(
        "version.html",
        doc=document,
        version=version,
        snap=snapshot,
        decision=decision,
        organ=organ,
        standing=standing,
        previous=numbers[index - 1] if index > 0 else None,
        following=numbers[index + 1] if 0 <= index < len(numbers) - 1 else None,
        work_path=document_path(kommun(), document),
        version_link=lambda n: (
            version_path(kommun(), document, n) or url_for("pages.document", document_id=document.id)
        ),
        definition=ruleset().types.get(snapshot.get("type", document.type_key)),
        field_labels=FIELD_LABELS,
        jsonld=data,
        kfs=kfs_label(document.kfs_year, document.kfs_number),
        base=base_url(),
    )


def _context() -> dict:
    from registry.opendata.linked_data import CONTEXT

    return CONTEXT


@bp.route("/kfs/<kommun_key>/<type_slug>/<int:year>/<int:number>/version/<int:version_number>")
def kfs_version(kommun_key: str, type_slug: str, year: int, number: int, version_number: int):
    document = _work(kommun_key, year, number)
    moved = _canonical_or_none(document, f"/version/{version_number}")
    if moved is not None:
        return moved
    return _render_version(document, _version_or_404(document, version_number))


@bp.route("/kfs/<kommun_key>/<type_slug>/<int:year>/<int:number>/gallande/<day>")
def kfs_in_force(kommun_key: str, type_slug: str, year: int, number: int, day: str):
    document = _work(kommun_key, year, number)
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        from web.errors import ApiError

        raise ApiError(
            400,
            Phrase(
                "”%(day)s” är inget datum; skriv det som ÅÅÅÅ-MM-DD, till exempel 2025-04-07.",
                day=Decided(day[:40]),
            ),
        ) from None
    moved = _canonical_or_none(document, f"/gallande/{date.isoformat()}")
    if moved is not None:
        return moved
    found = standing_on(db(), document, date)
    if found is None:
        from web.errors import ApiError

        raise ApiError(
            404,
            Phrase(
                "%(title)s fanns inte i det öppna registret den %(day)s.",
                title=Decided(document.title),
                day=date.isoformat(),
            ),
        )
    return _render_version(document, found.version, standing=found)


@bp.route("/kfs")
def kfs_root():
    return redirect(url_for("pages.kfs_collection", kommun_key=kommun()))


@bp.route("/kfs/<kommun_key>")
def kfs_collection(kommun_key: str):
    """The författningssamling: every public document by its number, föreskrifter first if asked."""
    from registry.opendata.records import numbered_public_documents

    if kommun_key != kommun():
        abort(404)
    rules = ruleset()
    documents = numbered_public_documents(db())
    chosen = request.args.get("typ", "")
    if chosen in rules.types:
        documents = [d for d in documents if d.type_key == chosen]
    only_in_force = request.args.get("visa") != "alla"
    if only_in_force:
        documents = [d for d in documents if d.status == "gällande"]
    years: dict[int, list[Document]] = {}
    for document in documents:
        years.setdefault(document.kfs_year or 0, []).append(document)
    types = sorted(
        {(k, rules.types[k].label) for k in CANONICAL_TYPES if k in rules.types}, key=lambda kv: kv[1].lower()
    )
    return render_template(
        "kfs.html",
        years=sorted(years.items(), reverse=True),
        count=len(documents),
        types=types,
        chosen=chosen,
        only_in_force=only_in_force,
        kommun_name=rules.name,
        path_of=lambda d: document_path(kommun(), d),
        kfs_label=kfs_label,
        rules=rules,
    )


@bp.route("/organ/<key>")
def organ(key: str):
    """An organ's address in the linked data: the register filtered to what it adopted."""
    body = body_by_key(db(), key.replace("-", " "))
    if body is None:
        abort(404)
    return redirect(url_for("pages.index", organ=body.key))


@bp.route("/beslut/<int:decision_id>")
def decision(decision_id: int):
    """A decision's address: its place in its ärende, or a page of its own."""
    found = db().get(Decision, decision_id)
    if found is None:
        abort(404)
    if found.case is not None:
        return redirect(url_for("pages.case", dnr=found.case.dnr, _anchor=f"beslut-{found.id}"))
    documents = documents_of_decision(db(), found.id, visible_statuses())
    return render_template("decision.html", decision=found, documents=documents)


@bp.route("/om/registret")
def about_register():
    from registry.opendata.records import numbered_public_documents

    example = next(iter(numbered_public_documents(db())), None)
    return render_template(
        "about_register.html",
        kommun_name=ruleset().name,
        kommun_key=kommun(),
        base=base_url(),
        example=example,
        example_path=document_path(kommun(), example) if example else None,
        kfs_label=kfs_label,
        count=register_span(db(), PUBLIC_STATUSES)[2],
    )
