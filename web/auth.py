"""Who may do what: roles, the one permission table of every route, login and logout."""

from __future__ import annotations

import hmac

from flask import Blueprint, Flask, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from registry.services.users import (
    authenticate,
    end_session,
    is_fresh,
    live_session,
    needs_touch,
    start_session,
    token_user,
    touch_session,
)
from registry.timeutil import utcnow
from web.db import commit, db
from web.security import UNSAFE_METHODS


def login_cookie() -> str:
    """Behind HTTPS the login cookie is a __Host- cookie: Secure, Path=/, never sent elsewhere."""
    return "__Host-styrdok_login" if _secure() else "styrdok_login"


def _secure() -> bool:
    return current_app.config["STYRDOK_SETTINGS"].secure_cookies


def now() -> object:
    """The clock; tests replace it with STYRDOK_CLOCK to walk past the timeouts."""
    return current_app.config.get("STYRDOK_CLOCK", utcnow)()


#: What each role may do. The public (no login) may only read what is published.
ROLE_PERMISSIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({"read"}),
    "registrator": frozenset({"read", "read_all", "write"}),
    "revisor": frozenset({"read", "read_all", "audit"}),
    "admin": frozenset({"read", "read_all", "write", "audit", "admin"}),
}

#: Every route and the permission it needs. A test fails when a route is missing here.
ROUTE_PERMISSIONS: dict[str, str] = {
    "static": "read",
    "pages.index": "read",
    "pages.document": "read",
    "pages.document_graph": "read",
    "pages.compare_versions": "read",
    "pages.document_file": "read",
    "pages.new_document": "write",
    "pages.edit_document": "write",
    "pages.repeal_document_page": "write",
    "pages.add_relation": "write",
    "pages.change_relation": "write",
    "pages.supersede_document_page": "write",
    "pages.import_files": "write",
    "pages.cull_document_page": "admin",
    "pages.review_import": "write",
    "pages.import_page_picture": "write",
    "pages.import_done": "write",
    "pages.case": "read",
    "pages.cases": "read",
    "pages.try_motion": "read",
    "pages.download_assessment": "read",
    "pages.rules": "read",
    "pages.accessibility": "read",
    # The open register: stable addresses, linked data, catalogue, feeds, downloads.
    "pages.kfs_root": "read",
    "pages.kfs_collection": "read",
    "pages.kfs_work": "read",
    "pages.kfs_version": "read",
    "pages.kfs_in_force": "read",
    "pages.organ": "read",
    "pages.decision": "read",
    "pages.about_register": "read",
    "pages.feed": "read",
    "pages.sitemap": "read",
    "pages.robots": "read",
    "pages.catalogue": "read",
    "pages.open_data_zip": "read",
    "pages.open_data_table": "read",
    "pages.health": "read",
    "pages.set_language": "read",
    "pages.audit_trail": "audit",
    "pages.audit_trail_csv": "audit",
    "pages.reports": "read_all",
    "pages.report": "read_all",
    "reports.get_report": "read_all",
    "auth.login": "read",
    "auth.logout": "read",
    "admin.users": "admin",
    "admin.api_tokens": "admin",
    "api.openapi": "read",
    "apidocs.docs": "read",
    "documents.list_documents": "read",
    "documents.create_document": "write",
    "documents.get_document": "read",
    "documents.update_document": "write",
    "documents.document_sections": "read",
    "documents.document_relations": "read",
    "documents.document_findings": "read",
    "relations.create_relation": "write",
    "cases.list_cases": "read",
    "cases.get_case": "read",
    "cases.create_case": "write",
    "decisions.create_decision": "write",
    "rulesets.list_rulesets": "read",
    "rulesets.get_ruleset": "read",
    "assessments.create_check": "read",
    "assessments.create_classification": "read",
}

bp = Blueprint("auth", __name__)


def can(permission: str) -> bool:
    role = g.user.role if getattr(g, "user", None) else None
    return permission in ROLE_PERMISSIONS[role]


def _load_user() -> None:
    g.user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        g.user = token_user(db(), header.removeprefix("Bearer ").strip())
        if g.user is None:
            from web.errors import ApiError

            raise ApiError(401, "API-nyckeln är ogiltig eller återkallad.")
    else:
        moment = now()
        row = live_session(db(), request.cookies.get(login_cookie()), moment)
        if row is not None and request.path.startswith("/api/") and request.method in UNSAFE_METHODS:
            # The login cookie rides along with any cross-site request: an API write counts as the
            # person's only with the page's own CSRF token in a header (the live findings send it).
            # Otherwise it is anonymous, and a write needs a bearer token.
            sent = request.headers.get("X-CSRF-Token", "")
            expected = session.get("csrf", "")
            if not expected or not hmac.compare_digest(sent, expected):
                row = None
        g.user = row.user if row is not None else None
        g.login_session = row
        if row is not None and needs_touch(row, moment):
            _touch(row.id, moment)


def fresh_login_refusal() -> str | None:
    """Why this request may not unpublish (no interactive login in the last 15 minutes), or None.

    An API key is not a login: unpublishing takes a person who has just logged in (R7), on every
    route."""
    row = getattr(g, "login_session", None)
    if row is not None and is_fresh(row, now()):
        return None
    if row is None and getattr(g, "user", None) is not None:
        return "Att avpublicera kräver en inloggning på webben de senaste 15 minuterna; en API-nyckel räcker inte."
    return "Att avpublicera kräver att du har loggat in de senaste 15 minuterna. Logga in igen."


def fresh_login_required():
    """None when the person logged in within the last 15 minutes; else a redirect to log in again
    (changing users and unpublishing need a fresh login, R7)."""
    row = getattr(g, "login_session", None)
    if row is not None and is_fresh(row, now()):
        return None
    from flask import flash

    flash(_("Logga in igen: den här ändringen kräver att du har loggat in de senaste 15 minuterna."), "error")
    return redirect(url_for("auth.login", next=request.full_path))


def _audit_refusal(username: str, endpoint: str) -> None:
    """A logged-in person refused a page or action is an audit event (in its own transaction,
    since the request itself changes nothing)."""
    from registry.services.audit import record_event

    _write_now(
        lambda writer: record_event(
            writer,
            actor=username,
            action="access.refused",
            entity_type="route",
            entity_id=endpoint,
            after={"method": request.method, "path": request.path[:200]},
        )
    )


def _touch(session_id: int, moment) -> None:
    """Note activity (for the idle timeout) before the view runs."""
    _write_now(lambda writer: touch_session(writer, session_id, moment))


def _write_now(write) -> None:
    """Commit a small write before the view runs. A reading request uses a short session of its
    own (its own session never takes the write lock); a writing request already holds the lock
    in its session, which has done nothing else yet, so the write is committed there."""
    from web.db import READ_METHODS

    if request.method not in READ_METHODS:
        write(db())
        db().commit()
        return
    with current_app.extensions["styrdok"]["sessions"]() as writer:
        write(writer)
        writer.commit()


def _note_user_id() -> None:
    g.user_id = g.user.id if g.user is not None else None


def _enforce() -> None:
    endpoint = request.endpoint
    if endpoint is None:
        return  # 404 follows
    needed = ROUTE_PERMISSIONS.get(endpoint)
    if needed is None:
        # A route nobody put in the table is closed, not open.
        current_app.logger.error("Route utan behörighet i tabellen: %s", endpoint)
        abort(403)
    if not can(needed):
        if g.user is None:
            if request.path.startswith("/api/"):
                abort(401)
            return redirect(url_for("auth.login", next=request.full_path))
        _audit_refusal(g.user.username, endpoint)
        abort(403)
    return None


def install(app: Flask) -> None:
    app.jinja_env.globals["can"] = can

    @app.before_request
    def _auth():
        _load_user()
        _note_user_id()
        return _enforce()


@bp.route("/logga-in", methods=["GET", "POST"])
def login():
    error = None
    target = request.values.get("next") or url_for("pages.index")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("pages.index")  # never redirect off-site
    if request.method == "POST":
        user = authenticate(db(), request.form.get("username", ""), request.form.get("password", ""), now=now())
        if user is None:
            commit()  # the failed attempt is audited
            error = _("Fel användarnamn eller lösenord, eller så är kontot tillfälligt låst. Försök igen om en stund.")
        else:
            token = start_session(db(), user, now())
            commit()
            # A new CSRF token with the new login: one read before logging in is worth nothing after.
            from web.security import rotate_csrf_token

            rotate_csrf_token()
            response = redirect(target)
            response.set_cookie(
                login_cookie(), token, httponly=True, samesite="Lax", path="/", secure=_secure() or request.is_secure
            )
            return response
    return render_template("login.html", error=error, next=target), (401 if error else 200)


@bp.route("/logga-ut", methods=["POST"])
def logout():
    end_session(db(), request.cookies.get(login_cookie()))
    commit()
    response = redirect(url_for("pages.index"))
    response.delete_cookie(login_cookie(), path="/", secure=_secure(), httponly=True, samesite="Lax")
    return response
