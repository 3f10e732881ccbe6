"""Import on the web: upload one or a few files, review what was read from each, confirm.

Uploads are stored by content hash (never by their given name). What was read from them waits in
a review file under the instance folder until the registrator confirms or skips each item; each
confirmation is its own transaction, so nothing half-confirmed is ever saved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import secrets
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from registry.archive.filestore import FileStore, display_name
from registry.errors import InvalidInput, NotFound, RegistryError
from registry.ingest.extract import Extractor
from registry.ingest.organs import OrganName
from registry.ingest.protocol import CaseFile
from registry.rules.engine import check
from registry.services import register_document
from registry.services.findings import assessment_hook
from registry.services.ingest import (
    Proposal,
    apply_import,
    describe_check,
    ensure_organs,
    find_document_named,
    plan_import,
    read_sources,
    record_supersession,
)
from web.db import commit, db
from web.forms import field_errors, form_to_data, values_to_form
from web.i18n import t
from web.pages.blueprint import bp
from web.pages.common import ruleset
from web.pages.documents import _render_form

MAX_FILES = 5
_TOKEN_LENGTH = 22


def _settings():
    return current_app.config["STYRDOK_SETTINGS"]


def _review_dir() -> Path:
    return Path(_settings().instance_dir) / "imports"


def _store() -> FileStore:
    return FileStore(Path(_settings().instance_dir) / "files")


def _review_path(token: str) -> Path:
    if len(token) != _TOKEN_LENGTH or not token.replace("-", "").replace("_", "").isalnum():
        abort(404)
    return _review_dir() / f"{token}.json"


def _load_review(token: str) -> dict[str, Any]:
    path = _review_path(token)
    try:
        review = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        abort(404)
    if review.get("user") != g.user.username:
        abort(404)  # another person's upload is not there at all
    return review


def _save_review(token: str, review: dict[str, Any]) -> None:
    path = _review_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(review, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)


#: How much of the original the review shows beside the form (the whole file is stored).
PREVIEW_BLOCKS = 400
PREVIEW_CHARS = 60_000


def _preview(original) -> dict[str, Any] | None:
    """The file as Styrdok read it, page by page: headings, paragraphs and list items, and what
    was left out as running headers and footers, so the registrator can hold the form against it."""
    layout = original.layout if original is not None else None
    if layout is None:
        return None
    pages: list[dict[str, Any]] = []
    used = 0
    for block in layout.blocks[:PREVIEW_BLOCKS]:
        if used > PREVIEW_CHARS:
            break
        used += len(block.text)
        if not pages or pages[-1]["page"] != block.page:
            pages.append({"page": block.page, "blocks": []})
        pages[-1]["blocks"].append({"kind": block.kind, "text": block.text, "number": block.number})
    return {
        "kind": layout.kind,
        "pages": pages,
        "cut": len(layout.blocks) > PREVIEW_BLOCKS or used > PREVIEW_CHARS,
        "removed": list(dict.fromkeys(layout.removed))[:10],
        "empty_pages": layout.empty_pages,
    }


def _item_from(proposal: Proposal, name: str, digest: str) -> dict[str, Any]:
    original = proposal.original
    item: dict[str, Any] = {
        "name": name,
        "sha256": digest,
        "state": "väntar",
        "notes": proposal.notes,
        "media_type": original.media_type if original else "",
        "size": original.size if original else 0,
    }
    if proposal.problem:
        item.update(kind="problem", problem=proposal.problem)
    elif proposal.case_file is not None:
        item.update(
            kind="case",
            case=proposal.case_file.case,
            parts=proposal.case_file.parts,
            organs=[vars(o) for o in proposal.case_file.organs],
        )
    else:
        item.update(
            kind="document",
            preview=_preview(original),
            supersedes=proposal.supersedes,  # "Ersätter …" in the file: offered as a relation
            form=values_to_form(proposal.values),
            suggestions=[{"label": s.label, "value": s.value, "evidence": s.evidence} for s in proposal.from_text],
            organs=[vars(o) for o in proposal.organs],
        )
    return item


@bp.route("/importera", methods=["GET", "POST"])
def import_files():
    if request.method == "GET":
        return render_template("import.html", max_files=MAX_FILES, error=None)
    uploads = [u for u in request.files.getlist("filer") if u and u.filename]
    if not uploads:
        return render_template(
            "import.html", max_files=MAX_FILES, error=_("Välj minst en fil (PDF, Word eller text).")
        ), 422
    if len(uploads) > MAX_FILES:
        return render_template(
            "import.html",
            max_files=MAX_FILES,
            error=_("Välj högst %(count)s filer åt gången; för fler, använd ”styrdok import”.", count=MAX_FILES),
        ), 422
    store = _store()
    named = []
    seen: set[str] = set()
    for upload in uploads:
        data = upload.read()
        base = name = display_name(upload.filename)
        copy = 2
        while name in seen:  # two files with the same name are still two items
            name, copy = f"{base} ({copy})", copy + 1
        seen.add(name)
        # Stored by read_source only once it is read as a document: a refused file leaves nothing.
        named.append((name, hashlib.sha256(data).hexdigest(), data))
    username = g.user.username
    db().rollback()  # nothing written yet: do not hold SQLite's write lock while files are read
    reads = read_sources([(name, (lambda d=data: d)) for name, _, data in named], store=store)
    proposals = plan_import(db(), reads, None, ruleset())
    by_name = {p.source: p for p in proposals}
    items = [_item_from(by_name[name], name, digest) for name, digest, _ in named]
    token = secrets.token_urlsafe(16)[:_TOKEN_LENGTH]
    _draw_pdf_pages(token, items, [data for _, _, data in named])
    _save_review(token, {"user": username, "created": dt.datetime.now(dt.UTC).isoformat(), "items": items})
    return redirect(url_for("pages.review_import", token=token, number=1))


#: The review shows a PDF's first pages as pictures beside the form (the text as read below them).
PICTURE_PAGES = 6
PICTURE_WIDTH = 900


def _picture_path(token: str, number: int, page: int) -> Path:
    return _review_path(token).with_name(f"{token}-{number}-{page}.png")


def _draw_pdf_pages(token: str, items: list[dict[str, Any]], files: list[bytes]) -> None:
    """Each PDF document's first pages drawn by PDFium in the limited child, kept beside the
    review; a file that cannot be drawn is shown as text alone."""
    with Extractor() as extractor:
        for number, (item, data) in enumerate(zip(items, files), start=1):
            if item.get("kind") != "document" or item.get("media_type") != "application/pdf":
                continue
            pictures = extractor.render_pages(data, pages=PICTURE_PAGES, width=PICTURE_WIDTH)
            for page, picture in enumerate(pictures, start=1):
                path = _picture_path(token, number, page)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(picture.png)
            item["pictures"] = [
                {"page": page, "width": picture.width, "height": picture.height}
                for page, picture in enumerate(pictures, start=1)
            ]


@bp.route("/importera/<token>/<int:number>/sida-<int:page>.png")
def import_page_picture(token: str, number: int, page: int):
    """One drawn page of the file under review (only for the person who uploaded it)."""
    from flask import send_file

    review = _load_review(token)
    if not 1 <= number <= len(review["items"]):
        abort(404)
    shown = {p["page"] for p in review["items"][number - 1].get("pictures", [])}
    path = _picture_path(token, number, page)
    if page not in shown or not path.is_file():
        abort(404)
    # a picture is a few hundred kB: read whole, so no file stays open after the response
    return send_file(io.BytesIO(path.read_bytes()), mimetype="image/png", max_age=3600)


def _next_url(token: str, review: dict[str, Any], number: int) -> str:
    for index, item in enumerate(review["items"][number:], start=number + 1):
        if item["state"] == "väntar":
            return url_for("pages.review_import", token=token, number=index)
    return url_for("pages.import_done", token=token)


@bp.route("/importera/<token>/<int:number>", methods=["GET", "POST"])
def review_import(token: str, number: int):
    review = _load_review(token)
    if not 1 <= number <= len(review["items"]):
        abort(404)
    item = review["items"][number - 1]
    context = {"token": token, "number": number, "count": len(review["items"]), "item": item}
    if item.get("supersedes"):
        context["supersedes"] = {"phrase": item["supersedes"], "older": find_document_named(db(), item["supersedes"])}
    if request.method == "GET" or item["state"] != "väntar":
        if item["kind"] == "document":
            return _render_form(None, item["form"], {}, review=context)
        return render_template("import_item.html", **context, checks=_checks(item))
    if request.form.get("action") == "hoppa":
        item["state"] = "överhoppad"
        _save_review(token, review)
        flash(_("%(file)s hoppades över; inget sparades från den.", file=item["name"]), "success")
        return redirect(_next_url(token, review, number))
    if item["kind"] == "problem":
        abort(400)
    if item["kind"] == "case":
        return _confirm_case(token, review, number, item)
    form = request.form.to_dict()
    if form.get("action") == "kontrollera":
        return _render_form(None, form, {}, review=context)
    try:
        ensure_organs(db(), _organs(item), g.user.username)
        doc = register_document(
            db(),
            form_to_data(form, revision=False),
            actor=g.user.username,
            reason=f"Importerat från {item['name']} (granskat på webben)",
            after_change=assessment_hook(_settings()),
        )
    except (InvalidInput, NotFound) as error:
        db().rollback()
        return _render_form(
            None, form, field_errors(error.errors or {"title": [error.message]}), status=422, review=context
        )
    from registry.services.files import attach_file

    attach_file(
        db(),
        doc,
        sha256=item["sha256"],
        filename=item["name"],
        media_type=item.get("media_type", ""),
        size=item.get("size", 0),
        actor=g.user.username,
    )
    made, note = None, None
    if item.get("supersedes") and form.get("ersatter") == "1":
        made, note = record_supersession(db(), doc, item["supersedes"], actor=g.user.username)
    commit()
    item.update(state="registrerad", document_id=doc.id)
    _save_review(token, review)
    flash(
        _("”%(title)s” är registrerat; %(made)s.", title=doc.title, made=t(made))
        if made
        else _("”%(title)s” är registrerat.", title=doc.title),
        "success",
    )
    if note:
        flash(note, "error")
    return redirect(_next_url(token, review, number))


def _checks(item: dict[str, Any]) -> list[str]:
    """Each paper of a case checked against the kommun's definitions, as one line."""
    if item["kind"] != "case":
        return []
    rules = ruleset()
    return [describe_check(check(paper.get("text") or "", rules), rules) for paper in item["case"]["papers"]]


def _organs(item: dict[str, Any]) -> list[OrganName]:
    return [OrganName(**organ) for organ in item.get("organs", [])]


def _confirm_case(token: str, review: dict[str, Any], number: int, item: dict[str, Any]):
    proposal = Proposal(item["name"], case_file=CaseFile(item["case"], _organs(item)), organs=_organs(item))
    try:
        summary = apply_import(db(), [proposal], ruleset(), actor=g.user.username)
    except RegistryError as error:
        db().rollback()
        flash(error.message, "error")
        return redirect(url_for("pages.review_import", token=token, number=number))
    if summary.skipped:
        db().rollback()
        flash(summary.skipped[0], "error")
        return redirect(url_for("pages.review_import", token=token, number=number))
    commit()
    item.update(state="registrerad", result=summary.cases)
    _save_review(token, review)
    flash(_("Ärendet %(dnr)s är registrerat med sina beslut och handlingar.", dnr=item["case"]["dnr"]), "success")
    return redirect(_next_url(token, review, number))


@bp.route("/importera/<token>/klar")
def import_done(token: str):
    review = _load_review(token)
    return render_template("import_done.html", review=review, token=token)
