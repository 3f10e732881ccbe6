"""The API's blueprint, in a module of its own (see web.pages.blueprint)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
