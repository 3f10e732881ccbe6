"""The register list, a document, its relation graph, and the registration and edit forms."""

from __future__ import annotations

import datetime as dt
import io
import math

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from registry.errors import InvalidInput, NotFound, RegistryError, StaleVersion
from registry.models import Body, Document
from registry.models.vocabulary import DOCUMENT_STATUSES, DRAFT, IN_FORCE, IN_PREPARATION, RELATION_KINDS, UNPUBLISHED
from registry.queries import (
    MAX_PAGE,
    RegisterFilters,
    bodies_by_name,
    body_by_key,
    display_names,
    documents_in,
    list_documents,
    register_facets,
    relations_of,
    swedish_key,
    versions_of,
)
from registry.rules import engine
from registry.services import register_document, revise_document
from registry.services.documents import FIELD_LABELS
from registry.services.findings import assessment_hook, current_findings
from registry.types import CANONICAL_TYPES
from web.db import commit, db
from web.forms import LABELS, document_to_form, field_errors, form_to_data
from web.i18n import t
from web.pages.blueprint import bp
from web.pages.common import ruleset, visible_statuses

PER_PAGE = 25


def _int(value: str | None, default: int) -> int:
    try:
        return min(MAX_PAGE, max(1, int(value or default)))
    except ValueError:
        return default


@bp.route("/")
def index():
    filters = RegisterFilters(
        q=request.args.get("q", "")[:200],
        type=request.args.get("typ", ""),
        status=request.args.get("status", ""),
        organ=request.args.get("organ", ""),
        topic=request.args.get("amne", ""),
        review_due=request.args.get("granskas") == "1",
    )
    statuses = visible_statuses()
    if filters.status and filters.status not in statuses:
        filters.status = "__none__"
    page = _int(request.args.get("sida"), 1)
    rows, total = list_documents(db(), filters, statuses=statuses, page=page, per_page=PER_PAGE)
    case_hit = _case_named(filters.q)
    pages = max(1, math.ceil(total / PER_PAGE))
    return render_template(
        "index.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        filters=filters,
        facets=_facets(statuses),
        statuses=statuses,
        types=_type_choices(),
        case_hit=case_hit,
    )


def _facets(statuses: tuple[str, ...]) -> dict[str, list[str]]:
    """The filters' values, read again only when the register changed (the trail's head moved):
    at 100,000 documents they are a scan of every document's topics and organ."""
    from web.caching import per_trail_head

    return per_trail_head("facets", statuses, lambda: register_facets(db(), statuses))


def _case_named(query: str):
    """The ärende a search names by its diarienummer, however it is written ("ks 2025/32")."""
    from registry.services.cases import find_case

    if not query.strip():
        return None
    try:
        return find_case(db(), query)
    except InvalidInput:
        return None


def _type_choices() -> list[tuple[str, str]]:
    rules = ruleset()
    return sorted(
        ((k, rules.types[k].label if k in rules.types else k) for k in CANONICAL_TYPES),
        key=lambda kv: swedish_key(kv[1]),
    )


def _visible_document(document_id: str) -> Document:
    document = db().get(Document, document_id)
    if document is None:
        _gone_if_culled(document_id)
    if document is None or document.status not in visible_statuses():
        abort(404)  # a draft is not there at all for someone who may not see it
    return document


def _gone_if_culled(document_id: str) -> None:
    """A culled document answers 410 with its tombstone: when, under which gallringsbeslut."""
    from registry.services.culling import find_tombstone
    from web.errors import ApiError

    tombstone = find_tombstone(db(), document_id)
    if tombstone is not None:
        raise ApiError(
            410, f"”{tombstone.title}” gallrades {tombstone.culled_at:%Y-%m-%d} enligt {tombstone.decision_reference}."
        )


@bp.route("/dokument/<document_id>/filer/<sha256>")
def document_file(document_id: str, sha256: str):
    """An original file, for whoever may read the document; always a download, never rendered here."""
    from pathlib import Path

    from registry.archive.filestore import FileStore
    from registry.queries import find_original

    doc = _visible_document(document_id)
    link = find_original(db(), doc.id, sha256)
    if link is None:
        abort(404)
    try:
        data = FileStore(Path(current_app.config["STYRDOK_SETTINGS"].instance_dir) / "files").get(sha256)
    except (OSError, ValueError):
        abort(404)
    from flask import send_file

    response = send_file(
        io.BytesIO(data),
        mimetype=link.media_type or "application/octet-stream",
        as_attachment=True,
        download_name=link.filename,
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.route("/dokument/<document_id>/gallra", methods=["GET", "POST"])
def cull_document_page(document_id: str):
    """Gallring: an admin gives the gallringsbeslut and their own password again (a fresh login)."""
    from registry.services.culling import CULLABLE_STATUSES, cull_document
    from registry.services.users import authenticate

    doc = db().get(Document, document_id)
    if doc is None:
        _gone_if_culled(document_id)
        abort(404)
    form = request.form.to_dict() if request.method == "POST" else {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        from web.auth import now

        if authenticate(db(), g.user.username, form.get("password", ""), now=now()) is None:
            commit()  # the failed re-authentication is audited
            errors["password"] = [_("Lösenordet stämmer inte; gallring kräver att du anger ditt lösenord igen.")]
        else:
            try:
                tombstone = cull_document(
                    db(),
                    document_id,
                    {"decision_reference": form.get("decision_reference", ""), "reason": form.get("reason") or None},
                    actor=g.user.username,
                )
            except RegistryError as error:
                db().rollback()
                errors = (
                    {"decision_reference": [error.message]}
                    if isinstance(error, InvalidInput)
                    else {"_": [error.message]}
                )
            else:
                commit()
                flash(
                    _(
                        "”%(title)s” är gallrat enligt %(decision)s.",
                        title=tombstone.title,
                        decision=tombstone.decision_reference,
                    ),
                    "success",
                )
                return redirect(url_for("pages.index"))
    return render_template(
        "cull.html",
        doc=doc,
        form=form,
        errors=errors,
        cullable=doc.status in CULLABLE_STATUSES,
        labels={
            "decision_reference": _("Gallringsbeslut"),
            "reason": _("Skäl"),
            "password": _("Ditt lösenord"),
            "_": _("Gallring"),
        },
    ), (422 if errors else 200)


@bp.route("/dokument/<document_id>")
def document(document_id: str):
    doc = _visible_document(document_id)
    versions = versions_of(db(), doc.id, newest_first=True)
    from web.auth import can

    if not can("read_all"):  # versions made while it was a draft are not for the public
        from registry.opendata.records import is_public_version

        versions = [v for v in versions if is_public_version(v)]
    findings = current_findings(db(), doc)
    rules = ruleset()
    from registry.opendata.identifiers import kfs_label, version_path
    from registry.opendata.records import cases_of
    from registry.services.files import files_of
    from web.pages.opendata import base_url, document_jsonld, kommun, stable_url

    relations = relations_of(db(), doc, visible_statuses())
    return render_template(
        "document.html",
        doc=doc,
        relation_graph=_inline_graph(doc, relations),
        originals=files_of(db(), doc.id),
        relations=relations,
        versions=versions,
        editors=display_names(db(), (v.changed_by for v in versions)),
        findings=findings,
        rules=rules,
        field_labels=FIELD_LABELS,
        definition=rules.types.get(doc.type_key),
        stable=stable_url(doc),
        kfs=kfs_label(doc.kfs_year, doc.kfs_number),
        jsonld=document_jsonld(doc),
        kommun_key=kommun(),
        cases=cases_of(db(), doc),
        ended=_ended(doc, versions, relations),
        ended_relations=_ended_relations(doc),
        relation_kinds=RELATION_KINDS,
        link_candidates=_link_candidates(doc) if can("write") else [],
        version_url=lambda n: f"{base_url()}{version_path(kommun(), doc, n)}" if doc.kfs_number is not None else None,
    )


def _ended_relations(doc: Document) -> list[dict]:
    """Relations that once held, as this document's reader sees them."""
    from registry.services.relations import ended_relations_of

    rows = []
    for ended in ended_relations_of(db(), doc.id):
        outgoing = ended.source_id == doc.id
        other = ended.target if outgoing else ended.source
        if other.status not in visible_statuses():
            continue
        kind = RELATION_KINDS[ended.kind]
        rows.append({"label": kind.label if outgoing else kind.inverse_label, "other": other, "ended": ended})
    return rows


def _link_candidates(doc: Document) -> list[Document]:
    return documents_in(db(), (s for s in DOCUMENT_STATUSES if s != UNPUBLISHED), besides=doc.id)


def _ended(doc: Document, versions: list, relations: list[dict]) -> dict | None:
    """What ended a repealed or superseded document: when, by which decision or document."""
    if doc.status not in ("upphävd", "ersatt"):
        return None
    ending = next((v for v in versions if v.changes.get("status", [None, None])[1] == doc.status), None)
    newer = [r["other"] for r in relations if r["kind"] == "ersätter" and not r["outgoing"]]
    return {
        "status": doc.status,
        "on": doc.valid_until or (ending.changed_at.date() if ending else None),
        "reason": ending.reason if ending else None,
        "by": newer,
    }


@bp.route("/dokument/<document_id>/graf.svg")
def document_graph(document_id: str):
    from web.pages.graph import relation_svg

    doc = _visible_document(document_id)
    relations = relations_of(db(), doc, visible_statuses())
    drawn = relation_svg(doc, relations, lambda other: url_for("pages.document", document_id=other))
    if drawn is None:  # no Graphviz on this machine: the simple circle
        drawn = render_template("graph.svg", doc=doc, layout=_layout(relations)).encode("utf-8")
    return current_app.response_class(drawn, mimetype="image/svg+xml")


def _inline_graph(doc: Document, relations: list[dict]):
    """Graphviz's picture for the page itself, or None (no relations, or no Graphviz here)."""
    from markupsafe import Markup

    from web.pages.graph import inline_svg, relation_svg

    if not relations:
        return None
    drawn = relation_svg(doc, relations, lambda other: url_for("pages.document", document_id=other))
    # dot escapes every title it is given (&, <, >), so its SVG is safe to place as it is.
    return Markup(inline_svg(drawn)) if drawn else None


def _layout(relations: list[dict]) -> list[dict]:
    """Neighbours on a circle around the document; deterministic so the picture is stable."""
    count = max(len(relations), 1)
    placed = []
    for index, relation in enumerate(relations):
        angle = 2 * math.pi * index / count - math.pi / 2
        placed.append({**relation, "x": round(360 + 250 * math.cos(angle)), "y": round(220 + 160 * math.sin(angle))})
    return placed


def _bodies() -> list[Body]:
    return bodies_by_name(db())


def _live_findings(form: dict) -> list[engine.Finding]:
    """What the engine says about the form as filled in, before anything is saved."""
    type_key = form.get("type") or None
    rules = ruleset()
    if type_key not in rules.types:
        type_key = None
    text = "\n\n".join(
        filter(
            None,
            [
                form.get("title"),
                form.get("summary"),
                form.get("full_text"),
                form.get("sections_text", "").replace("## ", ""),
            ],
        )
    )
    if not text.strip():
        return []
    organ = body_by_key(db(), form.get("adopted_by"))
    metadata = {"adopted_by": organ.key, "adopted_by_level": organ.level} if organ else {}
    from web.pages.common import related_index

    related = [r for r in related_index().related(text) if r.score >= 0.3]
    assessment = engine.classify(text, rules, stated_type=type_key, metadata=metadata, related=related)
    return [f for f in assessment.findings if f.severity != "info" or f.code in ("related_documents", "thin_evidence")]


def _unconfirmed_errors(form: dict) -> list[engine.Finding]:
    """Rule errors in what is about to be saved, unless the registrator has said to save anyway.
    A draft is work in progress: it is saved without asking."""
    if form.get("bekrafta") == "1" or form.get("status", "utkast") == "utkast" or not form.get("title"):
        return []
    return [f for f in _live_findings(form) if f.severity == "error"]


def _render_form(
    doc: Document | None,
    form: dict,
    errors: dict,
    *,
    status: int = 200,
    conflict: dict | None = None,
    review: dict | None = None,
    unconfirmed: list | None = None,
):
    """The document form; ``review`` is an imported file being checked before it is registered;
    ``unconfirmed`` are rule errors the registrator has not yet agreed to save with."""
    bodies = _bodies()
    if review is not None:  # organs the file names that the register does not have yet
        known = {b.key for b in bodies}
        bodies += [
            Body(key=o["key"], name=o["name"], level=o["level"])
            for o in review["item"].get("organs", [])
            if o["key"] not in known
        ]
    return render_template(
        "document_form.html",
        doc=doc,
        form=form,
        errors=errors,
        labels=LABELS,
        types=_type_choices(),
        statuses=DOCUMENT_STATUSES,
        bodies=bodies,
        live=_live_findings(form) if form.get("title") else [],
        conflict=conflict,
        review=review,
        unconfirmed=unconfirmed,
    ), status


@bp.route("/dokument/ny", methods=["GET", "POST"])
def new_document():
    if request.method == "GET":
        return _render_form(None, {"status": "utkast", "scope": "kommunövergripande"}, {})
    form = request.form.to_dict()
    if form.get("action") == "kontrollera":
        return _render_form(None, form, {})
    unconfirmed = _unconfirmed_errors(form)
    if unconfirmed:
        return _render_form(None, form, {}, status=422, unconfirmed=unconfirmed)
    try:
        doc = register_document(
            db(),
            form_to_data(form, revision=False),
            actor=g.user.username,
            after_change=assessment_hook(current_app.config["STYRDOK_SETTINGS"]),
        )
    except (InvalidInput, NotFound) as error:
        db().rollback()
        return _render_form(None, form, field_errors(error.errors or {"title": [error.message]}), status=422)
    commit()
    flash(_("”%(title)s” är registrerat.", title=doc.title), "success")
    return redirect(url_for("pages.document", document_id=doc.id))


@bp.route("/dokument/<document_id>/redigera", methods=["GET", "POST"])
def edit_document(document_id: str):
    doc = db().get(Document, document_id)
    if doc is None:
        abort(404)
    if request.method == "GET":
        return _render_form(doc, document_to_form(doc), {})
    form = request.form.to_dict()
    if form.get("action") == "kontrollera":
        return _render_form(doc, form, {})
    unconfirmed = _unconfirmed_errors(form)
    if unconfirmed:
        return _render_form(doc, form, {}, status=422, unconfirmed=unconfirmed)
    if form.get("status") == UNPUBLISHED and doc.status != UNPUBLISHED:
        from web.auth import fresh_login_required

        stale = fresh_login_required()  # taking a document off the public channels needs a fresh login
        if stale is not None:
            return stale
    try:
        revise_document(
            db(),
            doc.id,
            form_to_data(form, revision=True),
            actor=g.user.username,
            after_change=assessment_hook(current_app.config["STYRDOK_SETTINGS"]),
        )
    except StaleVersion as error:
        db().rollback()
        return _render_form(doc, form, {}, status=409, conflict=_conflict(doc, form, error))
    except RegistryError as error:
        db().rollback()
        return _render_form(doc, form, field_errors(error.errors or {"title": [error.message]}), status=422)
    commit()
    flash(_("Ändringen är sparad som en ny version."), "success")
    return redirect(url_for("pages.document", document_id=doc.id))


def _same_text(value: str | None) -> str:
    return " ".join((value or "").split())


def _conflict(doc: Document, form: dict, error: StaleVersion) -> dict:
    """What the other person changed, beside what this person tried to save."""
    db().refresh(doc)
    theirs = document_to_form(doc)
    differences = [
        {"field": LABELS.get(name, name), "theirs": theirs.get(name, ""), "yours": form.get(name, "")}
        for name in LABELS
        if name not in ("reason", "expected_version")
        and _same_text(theirs.get(name, "")) != _same_text(form.get(name, ""))
    ]
    form["expected_version"] = str(doc.version)  # saving again is now a deliberate choice
    return {"message": error.message, "differences": differences}


def _trail_filters():
    from registry.queries.trail import TrailFilters

    def day(name: str):
        try:
            return dt.date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return None

    return TrailFilters(
        actor=request.args.get("vem", "")[:200],
        kind=request.args.get("handelse", ""),
        since=day("fran"),
        until=day("till"),
    )


@bp.route("/granskning")
def audit_trail():
    """The trail in words, newest first, filtered by person, kind of event and dates, paged."""
    from registry.queries.trail import EVENT_KINDS, PAGE_SIZE, actors, trail_page

    filters = _trail_filters()
    page = _int(request.args.get("sida"), 1)
    lines, total = trail_page(db(), filters, page)
    return render_template(
        "audit.html",
        lines=lines,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / PAGE_SIZE)),
        filters=filters,
        kinds=EVENT_KINDS,
        people=actors(db()),
        args={k: v for k, v in request.args.items() if k != "sida"},
    )


@bp.route("/granskning.csv")
def audit_trail_csv():
    """The filtered trail for Swedish Excel: every matching event, oldest first."""
    import csv

    from flask import Response

    from registry.queries.trail import trail_all
    from registry.reports import spreadsheet_safe

    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Tid"), _("Vem"), _("Händelse"), _("Vad som hände"), _("Händelsekod"), _("Nr i kedjan")])
    for line in trail_all(db(), _trail_filters()):
        event = line.event
        writer.writerow(
            [
                event.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                spreadsheet_safe(line.who),
                spreadsheet_safe(event.action),
                spreadsheet_safe(t(line.text)),
                event.action,
                event.id,
            ]
        )
    return Response(
        out.getvalue().encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=granskning.csv"},
    )


@bp.route("/dokument/<document_id>/jamfor")
def compare_versions(document_id: str):
    """Two versions side by side, word by word; by default the newest against the one before."""
    from registry.opendata.records import is_public_version
    from registry.queries.history import compare_snapshots

    doc = _visible_document(document_id)
    versions = versions_of(db(), doc.id)
    from web.auth import can

    if not can("read_all"):
        versions = [v for v in versions if is_public_version(v)]
    if len(versions) < 2:
        return render_template("compare.html", doc=doc, versions=versions, changes=None, before=None, after=None)
    by_number = {v.version: v for v in versions}
    after = by_number.get(_int(request.args.get("till"), versions[-1].version)) or versions[-1]
    earlier = [v for v in versions if v.version < after.version]
    default_before = earlier[-1].version if earlier else versions[0].version
    before = by_number.get(_int(request.args.get("fran"), default_before)) or versions[0]
    if before.version == after.version:
        before = earlier[-1] if earlier else versions[0]
    changes = compare_snapshots(before.snapshot or {}, after.snapshot or {})
    return render_template(
        "compare.html",
        doc=doc,
        versions=versions,
        before=before,
        after=after,
        changes=changes,
        field_labels=FIELD_LABELS,
        editors=display_names(db(), (v.changed_by for v in (before, after))),
    )


@bp.route("/dokument/<document_id>/upphav", methods=["GET", "POST"])
def repeal_document_page(document_id: str):
    """Upphäv a document in force under the decision that repeals it (organ, date, §, dnr)."""
    from registry.services.documents import repeal_document

    doc = db().get(Document, document_id)
    if doc is None:
        abort(404)
    form = request.form.to_dict() if request.method == "POST" else {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        decision = {
            "body": form.get("body", ""),
            "meeting_date": form.get("meeting_date", ""),
            "paragraph": form.get("paragraph", ""),
            "dnr": form.get("dnr") or None,
        }
        try:
            repeal_document(
                db(), doc.id, actor=g.user.username, reason=form.get("reason") or "Upphävd", decision=decision
            )
        except RegistryError as error:
            db().rollback()
            errors = field_errors(error.errors or {"_": [error.message]})
        else:
            commit()
            flash(
                _("”%(title)s” är upphävt. Det finns kvar i registret med hela sin historik.", title=doc.title),
                "success",
            )
            return redirect(url_for("pages.document", document_id=doc.id))
    return render_template(
        "end_document.html", doc=doc, mode="repeal", form=form, errors=errors, bodies=_bodies(), candidates=[]
    ), (422 if errors else 200)


@bp.route("/dokument/<document_id>/ersatt", methods=["GET", "POST"])
def supersede_document_page(document_id: str):
    """Mark a document ersatt by a newer one: the ”ersätter” relation and the status in one step."""
    from registry.services.documents import supersede_document

    doc = db().get(Document, document_id)
    if doc is None:
        abort(404)
    form = request.form.to_dict() if request.method == "POST" else {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            if not form.get("new_id"):
                raise InvalidInput(_("Välj det dokument som ersätter det här."), field="new_id")
            newer = supersede_document(
                db(), doc.id, form["new_id"], actor=g.user.username, reason=form.get("reason") or "Ersatt"
            )
        except RegistryError as error:
            db().rollback()
            errors = field_errors(error.errors or {"_": [error.message]})
        else:
            commit()
            flash(_("”%(title)s” är nu ersatt. Relationen ”ersätter” är registrerad.", title=newer.title), "success")
            return redirect(url_for("pages.document", document_id=doc.id))
    candidates = documents_in(db(), (IN_FORCE, IN_PREPARATION, DRAFT), besides=doc.id)
    return render_template(
        "end_document.html", doc=doc, mode="supersede", form=form, errors=errors, bodies=[], candidates=candidates
    ), (422 if errors else 200)


@bp.route("/dokument/<document_id>/relationer", methods=["POST"])
def add_relation(document_id: str):
    """Link this document to another, in either direction of a relation kind."""
    from registry.services.relations import link_documents

    doc = db().get(Document, document_id)
    if doc is None:
        abort(404)
    form = request.form.to_dict()
    direction, _colon, kind = (form.get("kind") or "").partition(":")
    other = form.get("other") or ""
    source, target = (doc.id, other) if direction == "ut" else (other, doc.id)
    try:
        if not other:
            raise InvalidInput(_("Välj dokumentet som relationen gäller."), field="other")
        relation = link_documents(
            db(),
            {"source": source, "target": target, "kind": kind, "note": form.get("note") or None},
            actor=g.user.username,
        )
    except RegistryError as error:
        db().rollback()
        flash(_("Relationen sparades inte: %(why)s", why=t(error.message)), "error")
        return redirect(url_for("pages.document", document_id=doc.id, _anchor="rel-h"))
    commit()
    flash(
        _(
            "Relationen är sparad: ”%(source)s” %(kind)s ”%(target)s”.",
            source=relation.source.title,
            kind=t(relation.kind),
            target=relation.target.title,
        ),
        "success",
    )
    return redirect(url_for("pages.document", document_id=doc.id, _anchor="rel-h"))


@bp.route("/dokument/<document_id>/relationer/<int:relation_id>", methods=["POST"])
def change_relation(document_id: str, relation_id: int):
    """End a relation (it moves into the history) or change its comment."""
    from registry.services.relations import annotate_relation, end_relation

    form = request.form.to_dict()
    try:
        if form.get("action") == "avsluta":
            end_relation(db(), relation_id, actor=g.user.username, reason=form.get("reason"))
            message = _("Relationen är avslutad; den finns kvar under Tidigare relationer.")
        else:
            annotate_relation(db(), relation_id, form.get("note"), actor=g.user.username)
            message = _("Kommentaren är sparad.")
    except RegistryError as error:
        db().rollback()
        flash(_("Det gick inte: %(why)s", why=t(error.message)), "error")
    else:
        commit()
        flash(message, "success")
    return redirect(url_for("pages.document", document_id=document_id, _anchor="rel-h"))
