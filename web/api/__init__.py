"""The JSON API under /api/v1: documents, relations, cases, decisions, rulesets, checks.

One error shape everywhere (web.errors); unknown fields refused by the shared schemas;
optimistic locking with ETag and If-Match.
"""

from web.api import views  # noqa: F401  (routes register on bp)
from web.api.blueprint import bp

__all__ = ["bp"]
