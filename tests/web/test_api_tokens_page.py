"""The admin's page for API keys: make one (shown once), see them all, revoke one."""

from __future__ import annotations

import re

from tests.support.web import csrf_of, login


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_an_admin_makes_a_key_sees_it_once_and_revokes_it(fresh_app):
    client = fresh_app.test_client()
    login(client, "admin")
    token = csrf_of(client)
    made = client.post(
        "/admin/nycklar", data={"action": "skapa", "username": "registrator", "name": "Diariet", "csrf_token": token}
    )
    assert made.status_code == 201
    key = re.search(r'value="(sdk_[^"]+)"', _text(made)).group(1)
    assert "Den visas inte igen" in _text(made)
    api = fresh_app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    assert api.get("/api/v1/documents?per_page=1", headers=headers).status_code == 200
    listing = _text(client.get("/admin/nycklar"))
    assert '<th scope="row">Diariet</th>' in listing
    assert "<td>gäller</td>" in listing
    assert key not in listing  # never shown again
    token_id = re.search(r'name="token_id" value="(\d+)"', listing).group(1)
    revoked = client.post("/admin/nycklar", data={"action": "aterkalla", "token_id": token_id, "csrf_token": token})
    assert revoked.status_code == 302
    after = _text(client.get("/admin/nycklar"))
    assert "är återkallad och slutar gälla nu" in after and "återkallad 20" in after
    write = api.post("/api/v1/documents", json={"title": "Med gammal nyckel", "type": "rutin"}, headers=headers)
    assert write.status_code == 401
    again = client.post("/admin/nycklar", data={"action": "aterkalla", "token_id": token_id, "csrf_token": token})
    assert again.status_code == 409 and "redan återkallad" in _text(again)
    trail = _text(client.get("/granskning"))
    assert "skapade API-nyckeln ”Diariet” för registrator" in trail, re.sub(r"\s+", " ", trail)[1500:4000]


def test_bad_key_requests_get_swedish_messages_and_change_nothing(fresh_app):
    client = fresh_app.test_client()
    login(client, "admin")
    token = csrf_of(client)
    before = _text(client.get("/admin/nycklar"))
    for data, status, message in (
        ({"action": "skapa", "username": "registrator", "name": "  "}, 422, "Ge nyckeln ett namn"),
        ({"action": "skapa", "username": "registrator", "name": "x" * 121}, 422, "högst 120 tecken"),
        ({"action": "skapa", "username": "registrator", "name": "Två\nrader"}, 422, "utan radbrytningar"),
        ({"action": "skapa", "username": "finnsinte", "name": "Diariet"}, 404, "finnsinte"),
        ({"action": "aterkalla", "token_id": "999999"}, 404, "ingen sådan API-nyckel"),
        ({"action": "aterkalla", "token_id": "'; DROP TABLE api_tokens"}, 404, "ingen sådan API-nyckel"),
    ):
        response = client.post("/admin/nycklar", data={**data, "csrf_token": token})
        assert response.status_code == status and message in _text(response), (data, _text(response)[:300])
    assert _text(client.get("/admin/nycklar")).count("<tr>") == before.count("<tr>")


def test_making_or_revoking_a_key_needs_a_fresh_login(fresh_app, monkeypatch):
    import datetime as dt

    import web.auth

    client = fresh_app.test_client()
    login(client, "admin")
    token = csrf_of(client)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=20)
    monkeypatch.setattr(web.auth, "now", lambda: later)
    stale = client.post(
        "/admin/nycklar", data={"action": "skapa", "username": "registrator", "name": "Sent", "csrf_token": token}
    )
    assert stale.status_code == 302 and "/logga-in" in stale.headers["Location"]
