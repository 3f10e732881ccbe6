"""Inputs that gave a 500 (issue 13, break 9) get a clear Swedish answer and change nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from registry.models import Document
from tests.support.web import api_token


def test_a_huge_page_number_is_the_last_page_not_a_500(client):
    response = client.get("/?sida=9223372036854775807")
    assert response.status_code == 200


def test_json_nested_ten_thousand_deep_is_a_400_in_the_envelope(client):
    body = "[" * 10_000 + "]" * 10_000
    response = client.post("/api/v1/checks", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["message"] == "JSON-innehållet är för djupt nästlat."


def test_a_lone_surrogate_in_a_title_is_refused_and_nothing_is_written(app, client):
    headers = {"Authorization": f"Bearer {api_token(app, 'registrator')}", "Content-Type": "application/json"}
    with app.extensions["styrdok"]["sessions"]() as session:
        before = session.scalar(select(func.count()).select_from(Document))
    response = client.post("/api/v1/documents", data='{"title": "Plan \\ud800", "type": "plan"}', headers=headers)
    assert response.status_code == 422
    assert "surrogattecken" in str(response.json)
    with app.extensions["styrdok"]["sessions"]() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == before


def test_registering_the_same_decision_again_is_a_documented_200(client, app):
    spec = client.get("/api/v1/openapi.json").json
    assert "200" in spec["paths"]["/api/v1/decisions"]["post"]["responses"]


def test_the_error_page_itself_cannot_fail_after_a_failed_statement(fresh_app, monkeypatch):
    """A statement that fails leaves PostgreSQL's transaction aborted; the error page must not
    touch it (it once fell back to werkzeug's English page, without CSP, with a traceback)."""
    from sqlalchemy import text

    import web.pages.documents
    from tests.support.web import login
    from web.db import db

    def _failing(*_args, **_kwargs):
        db().execute(text("SELECT no_such_column FROM no_such_table"))

    client = fresh_app.test_client()
    login(client, "registrator")
    fresh_app.config["STYRDOK_SWALLOW_ERRORS"] = True
    monkeypatch.setattr(web.pages.documents, "list_documents", _failing)
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code in (500, 503)  # SQLite calls it an OperationalError, PostgreSQL not
    assert '<html lang="sv">' in html and ("Något gick fel" in html or "Tillfälligt otillgänglig" in html)
    assert "Traceback" not in html and "Werkzeug" not in html
    assert "default-src" in page.headers["Content-Security-Policy"]
    assert client.get("/api/v1/documents").status_code == 200  # the next request is served
