"""The HTML pages: the register, documents, cases, "Prova en motion", rules, accessibility."""

from web.pages import documents, feeds, imports, motions, opendata, other, reports  # noqa: F401  (routes register on bp)
from web.pages.blueprint import bp

__all__ = ["bp"]
