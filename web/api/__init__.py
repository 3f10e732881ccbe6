"""The JSON API under /api/v1: documents, relations, cases, decisions, rulesets, checks.

One error shape everywhere (web.errors); unknown fields refused by the shared schemas;
optimistic locking with ETag and If-Match.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from web.api import views  # noqa: E402,F401
