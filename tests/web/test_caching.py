"""The public answers' cache and validators: the same bytes until the register changes, then the
new ones at once; never a logged-in reader's answer to anyone else, never a page's form token."""

from __future__ import annotations

import re

from tests.support.web import DRAFT_TITLE, api_token, csrf_of


def test_a_cached_answer_gives_way_to_the_change_at_once(fresh_app):
    from registry.services import revise_document

    client = fresh_app.test_client()
    first = client.get("/api/v1/documents?per_page=50").get_json()
    cache = fresh_app.extensions["styrdok"]["response_cache"]
    assert client.get("/api/v1/documents?per_page=50").get_json() == first
    assert cache._items  # the second answer came from the cache
    target = first["documents"][0]
    with fresh_app.extensions["styrdok"]["sessions"]() as session:
        revise_document(
            session,
            target["id"],
            {"title": "Helt ny titel", "expected_version": target["version"], "reason": "x"},
            actor="t",
        )
        session.commit()
    titles = {d["title"] for d in client.get("/api/v1/documents?per_page=50").get_json()["documents"]}
    assert "Helt ny titel" in titles


def test_a_token_holders_answer_is_never_served_to_the_public(app):
    token = api_token(app, "registrator")
    client = app.test_client()
    staff = client.get("/api/v1/documents?per_page=50", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert DRAFT_TITLE in {d["title"] for d in staff["documents"]}
    public = app.test_client().get("/api/v1/documents?per_page=50")
    assert DRAFT_TITLE not in public.get_data(as_text=True)
    assert (
        "ETag" in public.headers
        and "ETag"
        not in client.get("/api/v1/documents?per_page=50", headers={"Authorization": f"Bearer {token}"}).headers
    )


def test_pages_with_form_tokens_are_not_shared_between_visitors(app):
    first, second = app.test_client(), app.test_client()
    token_one, token_two = csrf_of(first), csrf_of(second)
    assert token_one != token_two
    first.get("/kfs/vallentuna")  # the first visitor's page, with the first visitor's token
    page = second.get("/kfs/vallentuna").get_data(as_text=True)
    assert re.search(r'name="csrf_token" value="([^"]+)"', page).group(1) == token_two
