"""User administration: create users, change roles, lock and unlock accounts."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from registry.errors import RegistryError
from registry.models import User
from registry.models.vocabulary import ROLES
from registry.services.users import change_user, create_user
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
                flash(f"Användaren {user.username} är skapad.", "success")
            else:
                change_user(
                    db(),
                    form.get("username", ""),
                    actor=g.user.username,
                    role=form.get("role") or None,
                    active={"ja": True, "nej": False}.get(form.get("active", "")),
                )
                flash(f"Användaren {form.get('username')} är ändrad.", "success")
            commit()
            return redirect(url_for("admin.users"))
        except RegistryError as error:
            db().rollback()
            errors = error.errors or {"username": [error.message]}
            status = 422
    people = db().scalars(select(User).order_by(User.username)).all()
    return render_template("users.html", users=people, roles=ROLES, errors=errors, form=form), status
