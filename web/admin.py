"""User administration: create users, change roles, lock and unlock accounts."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from registry.errors import RegistryError
from registry.models.vocabulary import ROLES
from registry.queries import list_api_tokens, list_users
from registry.services.users import change_user, create_api_token, create_user, get_user, revoke_api_token
from web.auth import fresh_login_required
from web.db import commit, db

bp = Blueprint("admin", __name__)


@bp.route("/admin/anvandare", methods=["GET", "POST"])
def users():
    errors: dict = {}
    form: dict = {}
    status = 200
    if request.method == "POST":
        stale = fresh_login_required()
        if stale is not None:
            return stale
        form = request.form.to_dict()
        try:
            if form.get("action") == "skapa":
                user = create_user(
                    db(),
                    {k: form.get(k, "") for k in ("username", "display_name", "role", "password")},
                    actor=g.user.username,
                )
                flash(_("Användaren %(user)s är skapad.", user=user.username), "success")
            else:
                change_user(
                    db(),
                    form.get("username", ""),
                    actor=g.user.username,
                    role=form.get("role") or None,
                    active={"ja": True, "nej": False}.get(form.get("active", "")),
                )
                flash(_("Användaren %(user)s är ändrad.", user=form.get("username")), "success")
            commit()
            return redirect(url_for("admin.users"))
        except RegistryError as error:
            db().rollback()
            errors = error.errors or {"username": [error.message]}
            status = 422
    people = list_users(db())
    return render_template("users.html", users=people, roles=ROLES, errors=errors, form=form), status


@bp.route("/admin/nycklar", methods=["GET", "POST"])
def api_tokens():
    """API keys: make one for a person (shown once), revoke any; both need a fresh login."""
    errors: dict = {}
    form: dict = {}
    new_key = None
    status = 200
    if request.method == "POST":
        stale = fresh_login_required()
        if stale is not None:
            return stale
        form = request.form.to_dict()
        try:
            if form.get("action") == "skapa":
                owner = get_user(db(), form.get("username", ""))
                new_key = create_api_token(db(), owner, form.get("name", ""), actor=g.user.username)
                commit()
                form = {}
                status = 201
            else:
                token_id = form.get("token_id", "")
                row = revoke_api_token(db(), int(token_id) if token_id.isdigit() else -1, actor=g.user.username)
                commit()
                flash(
                    _(
                        "Nyckeln ”%(name)s” för %(user)s är återkallad och slutar gälla nu.",
                        name=row.name,
                        user=row.user.username,
                    ),
                    "success",
                )
                return redirect(url_for("admin.api_tokens"))
        except RegistryError as error:
            db().rollback()
            errors = error.errors or {"name": [error.message]}
            status = error.status if error.status in (404, 409) else 422
    people = list_users(db(), active_only=True)
    return (
        render_template(
            "api_tokens.html", tokens=list_api_tokens(db()), users=people, errors=errors, form=form, new_key=new_key
        ),
        status,
    )
