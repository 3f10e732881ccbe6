"""One permission table for every route; each role against each route; drafts never leak."""

from __future__ import annotations

import pytest

from tests.support.web import DRAFT_TITLE, api_token, csrf_of, login
from web.auth import ROLE_PERMISSIONS, ROUTE_PERMISSIONS

DOC = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d01"


def test_every_route_is_in_the_permission_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(ROUTE_PERMISSIONS) == set()
    assert set(ROUTE_PERMISSIONS) - endpoints == set()


PAGES = [
    ("/", "read"),
    (f"/dokument/{DOC}", "read"),
    (f"/dokument/{DOC}/graf.svg", "read"),
    ("/regler", "read"),
    ("/prova", "read"),
    ("/om/tillganglighet", "read"),
    ("/arenden/KS 2025.032", "read"),
    ("/api/docs", "read"),
    ("/api/v1/documents", "read"),
    ("/api/v1/openapi.json", "read"),
    ("/api/v1/rulesets", "read"),
    ("/rapporter", "read_all"),
    ("/rapporter/overlaps", "read_all"),
    ("/api/v1/reports/violations", "read_all"),
    ("/dokument/ny", "write"),
    (f"/dokument/{DOC}/redigera", "write"),
    ("/granskning", "audit"),
    ("/admin/anvandare", "admin"),
    ("/admin/nycklar", "admin"),
]


@pytest.mark.parametrize("role", [None, "registrator", "revisor", "admin"])
@pytest.mark.parametrize("path, permission", PAGES)
def test_role_matrix(app, role, path, permission):
    client = app.test_client()
    if role:
        login(client, role)
    response = client.get(path)
    allowed = permission in ROLE_PERMISSIONS[role]
    if allowed:
        assert response.status_code == 200, (role, path, response.status_code)
    elif role is None:
        assert response.status_code in (302, 401)
        if response.status_code == 302:
            assert "/logga-in" in response.headers["Location"]
    else:
        assert response.status_code == 403


PUBLIC_VIEWS = [
    "/",
    "/?q=skolskjuts",
    "/?status=utkast",
    "/regler",
    "/arenden/KS 2025.032",
    "/api/v1/documents",
    "/api/v1/documents?status=utkast",
    "/api/v1/documents?q=skolskjuts",
    "/api/v1/cases",
    f"/dokument/{DOC}",
    f"/dokument/{DOC}/graf.svg",
]


@pytest.mark.parametrize("path", PUBLIC_VIEWS)
def test_drafts_never_reach_the_public(client, path):
    assert DRAFT_TITLE not in client.get(path).get_data(as_text=True)


def test_drafts_are_not_found_by_id_or_through_prova(app, client):
    from sqlalchemy import select

    from registry.models import Document

    with app.extensions["styrdok"]["sessions"]() as session:
        draft_id = session.scalar(select(Document.id).where(Document.title == DRAFT_TITLE))
    assert client.get(f"/dokument/{draft_id}").status_code == 404
    assert client.get(f"/api/v1/documents/{draft_id}").status_code == 404
    assert client.get(f"/dokument/{draft_id}/graf.svg").status_code == 404
    token = csrf_of(client)
    page = client.post(
        "/prova",
        data={
            "text": "Motion om skolskjuts och artificiell intelligens. Vi föreslår att "
            "kommunen tar fram riktlinjer för skolskjuts.",
            "csrf_token": token,
        },
    )
    assert DRAFT_TITLE not in page.get_data(as_text=True)
    api = client.post("/api/v1/checks", json={"text": "Riktlinjer för skolskjuts och artificiell intelligens"})
    assert DRAFT_TITLE not in api.get_data(as_text=True)


def test_logged_in_readers_see_drafts(app):
    client = app.test_client()
    login(client, "revisor")
    assert DRAFT_TITLE in client.get("/?status=utkast").get_data(as_text=True)
    token = api_token(app, "revisor")
    listed = client.get("/api/v1/documents?status=utkast", headers={"Authorization": f"Bearer {token}"}).json
    assert DRAFT_TITLE in [d["title"] for d in listed["documents"]]


def test_logout_really_ends_the_session(app):
    client = app.test_client()
    login(client, "registrator")
    cookie = client.get_cookie("styrdok_login").value
    assert client.get("/dokument/ny").status_code == 200
    client.post("/logga-ut", data={"csrf_token": csrf_of(client)})
    thief = app.test_client()
    thief.set_cookie("styrdok_login", cookie)
    assert thief.get("/dokument/ny").status_code == 302


def test_forms_need_the_csrf_token(app):
    client = app.test_client()
    login(client, "registrator")
    response = client.post("/dokument/ny", data={"title": "X", "type": "policy"})
    assert response.status_code == 400


def test_wrong_password_is_refused_and_audited(app):
    client = app.test_client()
    token = csrf_of(client)
    response = client.post("/logga-in", data={"username": "admin", "password": "fel-lösenord", "csrf_token": token})
    assert response.status_code == 401 and "Fel användarnamn eller lösenord" in response.get_data(as_text=True)
    from sqlalchemy import select

    from registry.models import AuditEvent

    with app.extensions["styrdok"]["sessions"]() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "login.failed")) is not None


def test_api_writes_need_a_token_with_the_right_role(app):
    client = app.test_client()
    body = {"title": "Policy via API", "type": "policy"}
    assert client.post("/api/v1/documents", json=body).status_code == 401
    revisor = api_token(app, "revisor")
    assert (
        client.post("/api/v1/documents", json=body, headers={"Authorization": f"Bearer {revisor}"}).status_code == 403
    )
    assert client.get("/api/v1/documents", headers={"Authorization": "Bearer sdk_fel"}).status_code == 401


def test_security_headers_on_every_page(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.get_data(as_text=True)
    assert "<script>" not in html and "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
