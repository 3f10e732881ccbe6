"""Gallring on the web: admins only, with the gallringsbeslut and their password again."""

from __future__ import annotations

from registry.services.demo import DEMO_PASSWORD
from registry.services.documents import repeal_document
from tests.support.web import csrf_of, login


def test_web_gallring_is_for_admins_with_a_fresh_password(fresh_app):
    guide = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d03"
    with fresh_app.extensions["styrdok"]["sessions"]() as session:
        repeal_document(session, guide, actor="test", reason="Ersatt")
        session.commit()
    registrator = fresh_app.test_client()
    login(registrator, "registrator")
    assert registrator.get(f"/dokument/{guide}/gallra").status_code == 403
    admin = fresh_app.test_client()
    login(admin, "admin")
    assert "Gallra…" in admin.get(f"/dokument/{guide}").get_data(as_text=True)
    form = {"csrf_token": csrf_of(admin), "decision_reference": "KS 2024-05-06 § 88", "password": "fel lösenord"}
    wrong = admin.post(f"/dokument/{guide}/gallra", data=form)
    assert wrong.status_code == 422 and "Lösenordet stämmer inte" in wrong.get_data(as_text=True)
    assert admin.get(f"/dokument/{guide}").status_code == 200
    form.update(password=DEMO_PASSWORD, decision_reference="")
    assert "Gallringsbeslutet får inte vara tom" in admin.post(f"/dokument/{guide}/gallra", data=form).get_data(
        as_text=True
    )
    form.update(decision_reference="KS 2024-05-06 § 88")
    assert admin.post(f"/dokument/{guide}/gallra", data=form).status_code == 302
    gone = fresh_app.test_client().get(f"/dokument/{guide}")
    assert gone.status_code == 410 and "gallrades" in gone.get_data(as_text=True)
    api = fresh_app.test_client().get(f"/api/v1/documents/{guide}")
    assert api.status_code in (404, 410)


def test_the_api_answers_410_for_a_culled_id_and_refuses_its_reuse(fresh_app):
    from registry.services.culling import cull_document
    from registry.services.documents import repeal_document
    from tests.support.web import api_token

    guide = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d03"
    with fresh_app.extensions["styrdok"]["sessions"]() as session:
        repeal_document(session, guide, actor="t", reason="Ersatt")
        cull_document(session, guide, {"decision_reference": "KS 2026-01-12 § 4, gallringsplan"}, actor="t")
        session.commit()
    client = fresh_app.test_client()
    gone = client.get(f"/api/v1/documents/{guide}")
    assert gone.status_code == 410 and "gallrades" in gone.json["error"]["message"]
    headers = {"Authorization": f"Bearer {api_token(fresh_app, 'registrator')}"}
    again = client.post("/api/v1/documents", json={"id": guide, "title": "Ny", "type": "plan"}, headers=headers)
    assert again.status_code == 409 and "används inte igen" in again.json["error"]["message"]
    assert client.get(f"/api/v1/documents/{guide}").status_code == 410
