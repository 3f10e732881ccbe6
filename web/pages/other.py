"""A case and its decisions, the ruleset's definitions, the accessibility statement, language."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, session, url_for

from registry.errors import InvalidInput
from registry.services.cases import find_case
from web.db import db
from web.pages.blueprint import bp
from web.pages.common import ruleset, visible_statuses


@bp.route("/arenden")
def cases():
    """Every ärende, newest first; filter by organ, year and outcome."""
    from registry.models.vocabulary import DECISION_OUTCOMES
    from registry.queries import CaseFilters, list_cases

    year = request.args.get("ar", "")
    filters = CaseFilters(
        organ=request.args.get("organ", "")[:40],
        year=int(year) if year.isdigit() and len(year) == 4 else None,
        outcome=request.args.get("utfall", "") if request.args.get("utfall") in DECISION_OUTCOMES else "",
    )
    found = list_cases(db(), filters)
    from registry.queries import case_filter_values

    organs, years = case_filter_values(db())
    visible = visible_statuses()
    return render_template(
        "cases.html",
        cases=found,
        filters=filters,
        organs=organs,
        years=years,
        outcomes=DECISION_OUTCOMES,
        visible=visible,
    )


@bp.route("/arenden/<path:dnr>")
def case(dnr: str):
    try:
        found = find_case(db(), dnr)
    except InvalidInput:
        abort(404)
    if found is None:
        abort(404)
    documents = [link for link in found.documents if link.document.status in visible_statuses()]
    return render_template("case.html", case=found, documents=documents)


@bp.route("/regler")
def rules():
    rules = ruleset()
    families = [
        (family, [t for t in rules.types.values() if t.family == family.key]) for family in rules.families.values()
    ]
    return render_template("rules.html", rules=rules, families=[f for f in families if f[1]])


@bp.route("/om/tillganglighet")
def accessibility():
    return render_template("accessibility.html")


@bp.route("/sprak", methods=["POST"])
def set_language():
    session["lang"] = "en" if request.form.get("lang") == "en" else "sv"
    target = request.form.get("next") or url_for("pages.index")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("pages.index")
    return redirect(target)


@bp.route("/healthz")
def health():
    """For the load balancer and the operator: does the database answer and take writes, and is
    there room on the disk? 503 naming the part that fails."""
    from flask import current_app, jsonify

    from registry.health import check_health

    styrdok = current_app.extensions["styrdok"]
    state = check_health(styrdok["engine"], current_app.config["STYRDOK_SETTINGS"].instance_dir)
    return jsonify(state.as_json()), 200 if state.ok else 503
