"""What harvesters fetch: Atom feeds, the sitemap, the DCAT catalogue and the bulk downloads."""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, render_template, request, url_for

from registry.models.vocabulary import PUBLIC_STATUSES
from registry.opendata.feeds import FEEDS, decision_entries, document_entries
from registry.opendata.identifiers import document_path, version_path
from registry.queries import first_registered, numbered_documents, register_span
from web.db import db
from web.pages.blueprint import bp
from web.pages.common import ruleset
from web.pages.opendata import base_url, kommun


def _entry_link(entry) -> str:
    if entry.decision is not None:
        return f"{base_url()}/beslut/{entry.decision.id}"
    path = version_path(kommun(), entry.document, entry.version) or url_for(
        "pages.document", document_id=entry.document.id
    )
    return f"{base_url()}{path}"


@bp.route("/flode/<name>.atom")
def feed(name: str):
    """Atom: ?typ= narrows to one document type, ?organ= to one organ (KF, KS …)."""
    if name not in FEEDS:
        abort(404)
    rules = ruleset()
    type_key = request.args.get("typ") or None
    organ = request.args.get("organ") or None
    if type_key and type_key not in rules.types:
        from web.errors import ApiError

        raise ApiError(400, f"Typen ”{type_key[:40]}” finns inte i regelfilen; välj en av {', '.join(rules.types)}.")
    if name == "beslut":
        entries = decision_entries(db(), type_key=type_key, organ=organ)
    else:
        entries = document_entries(db(), repeals_only=name == "upphavda", type_key=type_key, organ=organ)
    title = FEEDS[name]
    if type_key:
        title += f", {rules.types[type_key].label.lower()}"
    if organ:
        title += f", {organ[:40]}"
    self_url = f"{base_url()}{request.full_path.rstrip('?')}"
    newest = max((e.updated for e in entries), default=None) or _register_epoch()
    body = render_template(
        "feed.atom.xml",
        title=f"{rules.name}: {title}",
        feed_id=self_url,
        self_url=self_url,
        home=f"{base_url()}/",
        updated=newest,
        entries=entries,
        link_of=_entry_link,
        rfc3339=lambda moment: moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
    )
    return current_app.response_class(body, mimetype="application/atom+xml")


def _register_epoch() -> dt.datetime:
    first = first_registered(db())
    moment = first or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@bp.route("/sitemap.xml")
def sitemap():
    documents = numbered_documents(db(), PUBLIC_STATUSES)
    pages = [
        (f"{base_url()}{url_for(endpoint, **args)}", None)
        for endpoint, args in (
            ("pages.index", {}),
            ("pages.kfs_collection", {"kommun_key": kommun()}),
            ("pages.rules", {}),
            ("pages.about_register", {}),
            ("pages.try_motion", {}),
        )
    ]
    pages += [(f"{base_url()}{document_path(kommun(), d)}", d.updated_at) for d in documents]
    body = render_template("sitemap.xml", pages=pages)
    return current_app.response_class(body, mimetype="application/xml")


@bp.route("/robots.txt")
def robots():
    lines = ["User-agent: *", "Disallow: /admin", "Disallow: /logga-in", f"Sitemap: {base_url()}/sitemap.xml", ""]
    return current_app.response_class("\n".join(lines), mimetype="text/plain")


def catalogue_facts():
    from registry.opendata.catalogue import CatalogueFacts

    first, last, count = register_span(db(), PUBLIC_STATUSES)
    today = dt.date.today()
    return CatalogueFacts(
        base=base_url(),
        kommun_name=ruleset().name,
        kommun_key=kommun(),
        contact_email=current_app.config["STYRDOK_SETTINGS"].contact_email,
        issued=first.date() if first else today,
        modified=last.date() if last else today,
        document_count=count,
    )


@bp.route("/data/katalog")
def catalogue():
    """DCAT-AP-SE: RDF/XML for the portal's harvester, Turtle when asked for it."""
    from registry.opendata.catalogue import catalogue_graph

    graph = catalogue_graph(catalogue_facts())
    best = request.accept_mimetypes.best_match(["application/rdf+xml", "text/turtle"], default="application/rdf+xml")
    if request.args.get("format") == "ttl":
        best = "text/turtle"
    fmt = "turtle" if best == "text/turtle" else "pretty-xml"
    response = current_app.response_class(graph.serialize(format=fmt), mimetype=best)
    response.headers["Vary"] = "Accept"
    return response


def open_data_files(fmt: str) -> dict[str, str]:
    from registry.opendata.bulk import bundle

    rules = ruleset()
    return bundle(
        db(),
        fmt,
        base=base_url(),
        kommun=kommun(),
        kommun_name=rules.name,
        type_labels={k: t.label for k, t in rules.types.items()},
    )


@bp.route("/data/oppna-data-<fmt>.zip")
def open_data_zip(fmt: str):
    from registry.opendata.bulk import zipped

    if fmt not in ("csv", "jsonl"):
        abort(404)
    response = current_app.response_class(zipped(open_data_files(fmt)), mimetype="application/zip")
    response.headers["Content-Disposition"] = f"attachment; filename=styrdok-oppna-data-{fmt}.zip"
    return response


@bp.route("/data/<table>.<fmt>")
def open_data_table(table: str, fmt: str):
    from registry.opendata.bulk import TABLES, as_csv, as_jsonl, rows

    if table not in TABLES or fmt not in ("csv", "jsonl"):
        abort(404)
    rules = ruleset()
    records = rows(
        db(), table, base=base_url(), kommun=kommun(), type_labels={k: t.label for k, t in rules.types.items()}
    )
    content = as_csv(records, TABLES[table][1]) if fmt == "csv" else as_jsonl(records)
    mimetype = "text/csv" if fmt == "csv" else "application/jsonl"
    return current_app.response_class(content, mimetype=f"{mimetype}; charset=utf-8")
