"""Repeal and supersede from the document page, with the decision that ends a document; an
ended document says so at the top and lists no open findings (issue 15, in part)."""

from __future__ import annotations

from tests.support.web import csrf_of, login

GUIDE = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d03"  # Intern AI-vägledning, gällande
CHECKLIST = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d04"
STRATEGY = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d01"


def test_a_registrator_repeals_under_a_decision_and_the_page_says_so(fresh_app):
    client = fresh_app.test_client()
    login(client, "registrator")
    token = csrf_of(client)
    form = client.get(f"/dokument/{GUIDE}/upphav").get_data(as_text=True)
    assert 'type="date"' in form and "Sammanträdesdag" in form
    refused = client.post(
        f"/dokument/{GUIDE}/upphav", data={"csrf_token": token, "body": "KS", "meeting_date": "igår", "paragraph": "12"}
    )
    assert refused.status_code == 422 and "error-summary" in refused.get_data(as_text=True)
    assert "gällande" in client.get(f"/dokument/{GUIDE}").get_data(as_text=True)  # nothing changed
    done = client.post(
        f"/dokument/{GUIDE}/upphav",
        data={
            "csrf_token": token,
            "body": "KS",
            "meeting_date": "2026-11-02",
            "paragraph": "140",
            "dnr": "KS 2026.140",
        },
    )
    assert done.status_code == 302
    page = client.get(f"/dokument/{GUIDE}").get_data(as_text=True)
    assert "Upphävt den 2026-11-02" in page and "KS 2026-11-02 § 140, dnr KS 2026.140" in page
    assert "tills vidare" not in page and "bedömningen av det är inte längre aktuell" in page
    assert "Upphäv…" not in page  # an ended document is not repealed twice


def test_a_registrator_supersedes_a_document_with_a_newer_one(fresh_app):
    client = fresh_app.test_client()
    login(client, "registrator")
    token = csrf_of(client)
    form = client.get(f"/dokument/{CHECKLIST}/ersatt").get_data(as_text=True)
    assert STRATEGY in form
    assert client.post(f"/dokument/{CHECKLIST}/ersatt", data={"csrf_token": token}).status_code == 422
    done = client.post(f"/dokument/{CHECKLIST}/ersatt", data={"csrf_token": token, "new_id": STRATEGY})
    assert done.status_code == 302
    page = client.get(f"/dokument/{CHECKLIST}").get_data(as_text=True)
    assert "Ersatt" in page and "Ersätts av" in page and "Digitaliseringsstrategi för Vallentuna kommun" in page
    newer = client.get(f"/dokument/{STRATEGY}").get_data(as_text=True)
    assert "ersätter" in newer and "Checklista innan du börjar använda ett AI-verktyg" in newer


def test_the_public_cannot_end_a_document(client):
    assert client.get(f"/dokument/{GUIDE}/upphav").status_code in (302, 401, 403)
    assert client.post(f"/dokument/{GUIDE}/ersatt", data={"new_id": STRATEGY}).status_code in (400, 302, 401, 403)
