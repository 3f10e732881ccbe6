"""Versions as a reader meets them: any two compared word by word, each at its own address
(issue 15, in part; the addresses are issue 16's)."""

from __future__ import annotations

import re

STRATEGY = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d01"


def _revise(app, **fields):
    from registry.services import revise_document
    from registry.services.documents import get_document

    with app.extensions["styrdok"]["sessions"]() as session:
        document = get_document(session, STRATEGY)
        revise_document(
            session, STRATEGY, {**fields, "expected_version": document.version, "reason": "Reviderad av KF"}, actor="t"
        )
        session.commit()


def test_two_versions_compare_word_by_word(fresh_app):
    client = fresh_app.test_client()
    assert "inget att jämföra" in client.get(f"/dokument/{STRATEGY}/jamfor").get_data(as_text=True)
    _revise(fresh_app, title="Digitaliseringsstrategi för Vallentuna kommun 2026–2030", summary="Ny inriktning.")
    html = client.get(f"/dokument/{STRATEGY}/jamfor").get_data(as_text=True)
    assert "Version 1" in html and "version 2" in html
    assert re.search(r"<ins class=\"diff-added\"><span class=\"visually-hidden\">tillagt: </span>2026–2030</ins>", html)
    assert '<del class="diff-removed">' in html  # the old summary went
    assert "2 av 14 uppgifter skiljer sig: titel, sammanfattning" in html
    # the stable version page links here
    page = client.get(f"/dokument/{STRATEGY}").get_data(as_text=True)
    assert f"/dokument/{STRATEGY}/jamfor" in page


def test_the_comparison_never_shows_a_draft_version_to_the_public(fresh_app):
    from registry.services import register_document, revise_document

    with fresh_app.extensions["styrdok"]["sessions"]() as session:
        document = register_document(
            session, {"title": "Hemlig arbetstitel", "type": "policy", "status": "utkast"}, actor="t"
        )
        revise_document(
            session,
            document.id,
            {"title": "Policy för möten", "status": "gällande", "expected_version": 1, "reason": "Antagen"},
            actor="t",
        )
        revise_document(session, document.id, {"summary": "Kort.", "expected_version": 2, "reason": "x"}, actor="t")
        session.commit()
        document_id = document.id
    html = fresh_app.test_client().get(f"/dokument/{document_id}/jamfor?fran=1&till=3").get_data(as_text=True)
    assert "Hemlig arbetstitel" not in html
    assert 'value="1"' not in html  # version 1 was a draft: not offered either


def test_odd_version_numbers_fall_back_to_the_latest_pair(fresh_app):
    _revise(fresh_app, summary="Ändrad.")
    response = fresh_app.test_client().get(f"/dokument/{STRATEGY}/jamfor?fran=x&till=999999999999")
    assert response.status_code == 200 and "jämförd med version 2" in response.get_data(as_text=True)
