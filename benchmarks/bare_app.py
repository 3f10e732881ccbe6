"""The baseline for API reads: a bare Flask app that returns the same JSON bytes the register
returned, with nothing behind it (no database, no auth, no headers of ours), served by the same
gunicorn in the same way. Whatever Styrdok does beyond that is what the ratio measures."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response


def create_app() -> Flask:
    folder = Path(os.environ["STYRDOK_BARE_BODIES"])
    listing = (folder / "list.json").read_bytes()
    single = (folder / "document.json").read_bytes()
    app = Flask(__name__)

    @app.get("/api/v1/documents")
    def documents():
        return Response(listing, mimetype="application/json")

    @app.get("/api/v1/documents/<document_id>")
    def document(document_id: str):
        return Response(single, mimetype="application/json")

    return app
