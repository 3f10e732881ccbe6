"""Relations from the document page: add in either direction, annotate, end with a reason (the
relation moves to the history, never lost) (issue 15, in part)."""

from __future__ import annotations

from sqlalchemy import func, select

from registry.models import EndedRelation, Relation
from tests.support.web import csrf_of, login

STRATEGY = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d01"
RULES = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d02"
DEFINITIONS = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d05"


def _count(app, model) -> int:
    with app.extensions["styrdok"]["sessions"]() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_registrator_links_annotates_and_ends_a_relation(fresh_app):
    client = fresh_app.test_client()
    login(client, "registrator")
    token = csrf_of(client)
    before = _count(fresh_app, Relation)
    added = client.post(
        f"/dokument/{RULES}/relationer",
        data={"csrf_token": token, "kind": "ut:konkretiserar", "other": STRATEGY, "note": "Enligt KS § 61"},
    )
    assert added.status_code == 302 and _count(fresh_app, Relation) == before + 1
    page = client.get(f"/dokument/{RULES}").get_data(as_text=True)
    assert "konkretiserar" in page and "Enligt KS § 61" in page
    assert "konkretiseras av" in client.get(f"/dokument/{STRATEGY}").get_data(as_text=True)  # the other end
    with fresh_app.extensions["styrdok"]["sessions"]() as session:
        relation_id = session.scalar(select(Relation.id).where(Relation.kind == "konkretiserar"))
    client.post(
        f"/dokument/{RULES}/relationer/{relation_id}",
        data={"csrf_token": token, "action": "kommentar", "note": "Riktlinjerna konkretiserar avsnittet om säkerhet"},
    )
    assert "Riktlinjerna konkretiserar avsnittet om säkerhet" in client.get(f"/dokument/{RULES}").get_data(as_text=True)
    client.post(
        f"/dokument/{RULES}/relationer/{relation_id}",
        data={"csrf_token": token, "action": "avsluta", "reason": "Strategin reviderades"},
    )
    assert _count(fresh_app, Relation) == before and _count(fresh_app, EndedRelation) == 1
    page = client.get(f"/dokument/{RULES}").get_data(as_text=True)
    assert "Tidigare relationer (1)" in page and "Strategin reviderades" in page
    login(client, "revisor")
    trail = client.get("/granskning", query_string={"handelse": "relationer"}).get_data(as_text=True)
    assert "avslutade relationen" in trail and "Skäl: Strategin reviderades" in trail


def test_a_link_that_cannot_be_made_says_why_and_changes_nothing(fresh_app):
    client = fresh_app.test_client()
    login(client, "registrator")
    token = csrf_of(client)
    before = _count(fresh_app, Relation)
    for data in (
        {"kind": "ut:konkretiserar", "other": ""},
        {"kind": "ut:finns-inte", "other": STRATEGY},
        {"kind": "ut:berör", "other": RULES},  # itself
    ):
        response = client.post(f"/dokument/{RULES}/relationer", data={"csrf_token": token, **data})
        assert response.status_code == 302
        assert "Relationen sparades inte" in client.get(response.location).get_data(as_text=True)
    assert _count(fresh_app, Relation) == before
    assert (
        client.post(f"/dokument/{RULES}/relationer/999999", data={"csrf_token": token, "action": "avsluta"}).status_code
        == 302
    )


def test_the_public_sees_relations_but_no_controls(client):
    page = client.get(f"/dokument/{STRATEGY}").get_data(as_text=True)
    assert "Lägg till relationen" not in page and "Avsluta relationen" not in page
    assert client.post(
        f"/dokument/{STRATEGY}/relationer", data={"kind": "ut:berör", "other": DEFINITIONS}
    ).status_code in (
        400,
        302,
        401,
        403,
    )
