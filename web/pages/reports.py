"""Auditors' reports as pages, with the same exports as the CLI."""

from __future__ import annotations

import dataclasses
import io

from flask import abort, current_app, render_template, request, send_file, url_for

from registry.errors import NotFound
from registry.reports import REPORTS, Report, build_report, write_csv_report, write_xlsx
from web.db import db
from web.i18n import lang, t
from web.pages.blueprint import bp
from web.pages.common import ruleset


def in_readers_language(report: Report) -> Report:
    """The report's headings and words in the reader's language, for a download (the page
    translates as it renders, so that the municipality's own words can be marked there)."""
    return dataclasses.replace(
        report,
        title=t(report.title),
        summary=t(report.summary),
        columns=[(key, t(title)) for key, title in report.columns],
        rows=[{key: t(value) for key, value in row.items()} for row in report.rows],
    )


def report_response(name: str, fmt: str):
    """The report as a page, JSON, CSV or XLSX; shared by the page and the API."""
    try:
        report = build_report(db(), name, ruleset())
    except NotFound:
        abort(404)
    if fmt != "html":
        report = in_readers_language(report)
    if fmt == "json":
        return current_app.json.response(report.as_dict())
    if fmt in ("csv", "csv-ren"):
        # "csv" is for Swedish Excel: semicolons, decimal commas, UTF-8 with a BOM so Excel
        # reads å, ä and ö; "csv-ren" is plain CSV (commas, decimal points) for other programs.
        swedish = fmt == "csv"
        buffer = io.StringIO()
        write_csv_report(report, buffer, swedish=swedish)
        return send_file(
            io.BytesIO(buffer.getvalue().encode("utf-8-sig" if swedish else "utf-8")),
            as_attachment=True,
            download_name=f"{name}.csv" if swedish else f"{name}-ren.csv",
            mimetype="text/csv; charset=utf-8",
        )
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(report, buffer)
        buffer.seek(0)
        return send_file(
            buffer,
            as_attachment=True,
            download_name=f"{name}.xlsx",
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return render_template("report.html", report=report, reports=REPORTS)


@bp.route("/rapporter")
def reports():
    """The overview: pictures drawn on the server as SVG, each with its numbers as a table."""
    from registry.queries.overview import findings_by, register_counts, reviews_due

    rules = ruleset()
    overlaps = _overlap_groups(rules)
    return render_template(
        "reports.html",
        reports=REPORTS,
        overlap_groups=overlaps["groups"],
        overlap_rows=overlaps["rows"],
        overlap_network=overlaps["network"],
        by_type=findings_by(db(), rules, "type"),
        by_organ=findings_by(db(), rules, "organ"),
        reviews=reviews_due(db()),
        statuses=register_counts(db()),
    )


def _overlap_groups(rules) -> dict:
    """The overlap groups with their network, worked out once per state of the register (at
    100,000 documents the comparison takes seconds; the page is asked for far more often)."""
    from markupsafe import Markup

    from registry.reports import overlaps_report
    from web.caching import per_trail_head
    from web.pages.graph import overlap_network_svg

    def compute() -> dict:
        report = overlaps_report(db(), rules)
        groups = report.groups
        network = overlap_network_svg(
            groups, report.rows, lambda document_id: url_for("pages.document", document_id=document_id)
        )
        # dot escapes every title it is given, so its SVG is safe to place as it is
        return {"groups": groups, "rows": report.rows, "network": Markup(network) if network else None}

    return per_trail_head("overlap-network", (rules.key, lang()), compute)


@bp.route("/rapporter/<name>")
def report(name: str):
    fmt = request.args.get("format", "html")
    if fmt not in ("html", "json", "csv", "csv-ren", "xlsx"):
        abort(404)
    return report_response(name, fmt)
