"""The pages' blueprint, in a module of its own so the page modules import it without importing
the package that imports them (no import circle)."""

from flask import Blueprint

bp = Blueprint("pages", __name__)
