"""The JSON API under /api/v1, on flask-smorest: one blueprint per resource.

Arguments are parsed and answers serialised by the shared marshmallow schemas (registry.schemas),
which also write the OpenAPI document; ETag and If-Match guard changes to a document (428 without,
412 for another version); every error has the one envelope of web.errors.
"""

from __future__ import annotations

from flask import Flask

from web.api import cases, documents, relations, reports, rules
from web.api.base import Api
from web.api.spec import bp, docs_bp, spec_kwargs

RESOURCES = (
    documents.blp,
    relations.blp,
    cases.blp,
    cases.decisions_blp,
    rules.rulesets_blp,
    rules.assessments_blp,
    reports.blp,
)


def install(app: Flask) -> None:
    """The API's blueprints, its OpenAPI document and the page that shows it."""
    api = Api(app, spec_kwargs=spec_kwargs())
    for resource in RESOURCES:
        api.register_blueprint(resource)
    app.extensions["styrdok"]["api"] = api
    app.register_blueprint(bp)
    app.register_blueprint(docs_bp)


__all__ = ["install"]
