"""The baseline for reads: a bare Flask app that returns the same bytes the register returned,
with nothing behind it (no auth, no headers of ours), served by the same gunicorn in the same
way. For search it runs the raw indexed query for the word first (the least a search must do)
and then returns the page Styrdok rendered for it. Whatever Styrdok does beyond that is what
the ratio measures."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response, request


def create_app() -> Flask:
    folder = Path(os.environ["STYRDOK_BARE_BODIES"])
    listing = (folder / "list.json").read_bytes()
    single = (folder / "document.json").read_bytes()
    pages = {path.stem.removeprefix("search-"): path.read_bytes() for path in folder.glob("search-*.html")}
    app = Flask(__name__)
    database_url = os.environ.get("STYRDOK_BARE_DATABASE_URL")
    engine = None
    if database_url:
        from registry.db import make_engine

        engine = make_engine(database_url)

    @app.get("/")
    def search():
        from benchmarks.scale import raw_match

        word = request.args["q"]
        assert engine is not None
        with engine.connect() as connection:
            raw_match(connection, word)
        return Response(pages[word], mimetype="text/html")

    @app.get("/api/v1/documents")
    def documents():
        return Response(listing, mimetype="application/json")

    @app.get("/api/v1/documents/<document_id>")
    def document(document_id: str):
        return Response(single, mimetype="application/json")

    return app
