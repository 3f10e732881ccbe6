"""The HTML pages: the register, documents, cases, "Prova en motion", rules, accessibility."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from web.pages import documents, feeds, imports, motions, opendata, other, reports  # noqa: E402,F401  (routes register on bp)
