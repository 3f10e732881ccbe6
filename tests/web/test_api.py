"""The JSON API contract: one error shape, unknown fields refused, ETag and If-Match."""

from __future__ import annotations

import pytest

from registry.services.demo import demo_motion_text
from tests.support.web import api_token

DOC = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d01"


@pytest.fixture
def writer(fresh_app):
    client = fresh_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {api_token(fresh_app, 'registrator')}"
    return client


def assert_error(response, status, field=None):
    assert response.status_code == status
    error = response.json["error"]
    assert set(error) == {"status", "code", "message", "errors"} and error["status"] == status
    assert error["message"]
    if field:
        assert field in error["errors"], error


def test_check_returns_the_design_contract(client):
    data = client.post("/api/v1/checks", json={"text": demo_motion_text(), "ruleset": "vallentuna"}).json
    assert list(data) == [
        "ruleset",
        "requested_types",
        "best_fit",
        "scores",
        "verdict",
        "findings",
        "related_documents",
        "confidence",
        "suggested_request",
    ]
    assert (data["requested_types"], data["best_fit"], data["verdict"]) == (["strategi"], "riktlinje", "mismatch")
    assert len(data["related_documents"]) == 4
    assert data["suggested_request"]["text"].startswith("att ge kommunstyrelsen i uppdrag att ta fram riktlinjer")


def test_classification_with_type_and_organ(client):
    data = client.post(
        "/api/v1/classifications",
        json={
            "text": "Policy för X\n\nPolicyn anger förhållningssätt, värderingar och principer.",
            "type": "policy",
            "adopted_by": "KLK",
        },
    ).json
    assert data["verdict"] == "mismatch" and "organ_not_allowed" in [f["code"] for f in data["findings"]]


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"text": "x", "färg": "blå"}, 422, "färg"),
        ({}, 422, "text"),
        ({"text": "   "}, 422, "text"),
        ({"text": "x", "ruleset": "malmo"}, 422, "ruleset"),
    ],
)
def test_bad_check_bodies(client, body, status, field):
    assert_error(client.post("/api/v1/checks", json=body), status, field)


def test_non_json_and_broken_json(client):
    assert_error(client.post("/api/v1/checks", data="text=x", content_type="application/x-www-form-urlencoded"), 415)
    assert_error(client.post("/api/v1/checks", data="{trasig", content_type="application/json"), 400)
    assert_error(client.post("/api/v1/checks", json=[1, 2]), 422)


def test_unknown_ids_and_routes_use_the_envelope(client):
    assert_error(client.get("/api/v1/documents/finns-inte"), 404)
    assert_error(client.get("/api/v1/cases/KS 1900.1"), 404)
    assert_error(client.get("/api/v1/finns-inte"), 404)
    assert_error(client.get("/api/v1/documents?page=noll"), 422, "page")


def test_create_then_update_with_etag(writer):
    created = writer.post(
        "/api/v1/documents", json={"title": "Riktlinjer för bygglov", "type": "riktlinje", "status": "gällande"}
    )
    assert created.status_code == 201
    location, etag = created.headers["Location"], created.headers["ETag"]
    assert writer.get(location).headers["ETag"] == etag
    assert_error(writer.patch(location, json={"owner": "Bygglovsenheten", "reason": "Ägare"}), 428)
    assert_error(writer.patch(location, json={"owner": "X", "reason": "r"}, headers={"If-Match": '"fel"'}), 412)
    updated = writer.patch(location, json={"owner": "Bygglovsenheten", "reason": "Ägare"}, headers={"If-Match": etag})
    assert updated.status_code == 200 and updated.json["version"] == 2 and updated.headers["ETag"] != etag
    assert_error(writer.patch(location, json={"owner": "Y", "reason": "r"}, headers={"If-Match": etag}), 412)
    assert_error(
        writer.patch(
            location, json={"owner": "Y", "reason": "r", "färg": 1}, headers={"If-Match": updated.headers["ETag"]}
        ),
        422,
        "färg",
    )


def test_relations_and_findings_endpoints(writer):
    a = writer.post(
        "/api/v1/documents", json={"title": "Policy för trygghet", "type": "policy", "status": "gällande"}
    ).json
    b = writer.post(
        "/api/v1/documents", json={"title": "Riktlinjer för trygghet", "type": "riktlinje", "status": "gällande"}
    ).json
    linked = writer.post("/api/v1/relations", json={"source": b["id"], "target": a["id"], "kind": "konkretiserar"})
    assert linked.status_code == 201 and linked.json["label"] == "konkretiserar"
    assert_error(
        writer.post("/api/v1/relations", json={"source": b["id"], "target": a["id"], "kind": "konkretiserar"}), 409
    )
    assert_error(writer.post("/api/v1/relations", json={"source": a["id"], "target": a["id"], "kind": "berör"}), 422)
    both = writer.get(f"/api/v1/documents/{a['id']}/relations").json["relations"]
    assert both[0]["label"] == "konkretiseras av"
    assert isinstance(writer.get(f"/api/v1/documents/{a['id']}/findings").json["findings"], list)


def test_cases_and_decisions(writer):
    assert writer.get("/api/v1/cases/ks 2025/32").json["dnr"] == "KS 2025.032"
    created = writer.post("/api/v1/cases", json={"dnr": "KS 2026/5", "kind": "motion", "title": "Motion om träd"})
    assert created.status_code == 201
    decision = writer.post(
        "/api/v1/decisions",
        json={
            "case": "KS 2026.005",
            "body": "KS",
            "meeting_date": "2026-02-01",
            "paragraph": "§ 7",
            "outcome": "bifall",
        },
    )
    assert decision.status_code == 201 and decision.json["paragraph"] == "7"
    assert_error(writer.post("/api/v1/cases", json={"dnr": "KS 2026.5", "kind": "motion", "title": "Samma"}), 409)


def test_openapi_document_is_generated_from_the_schemas(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    document_in = spec["components"]["schemas"]["DocumentIn"]
    assert {"title", "type", "decision", "sections"} <= set(document_in["properties"])
    assert "title" in document_in["required"]
    assert "428" in spec["paths"]["/api/v1/documents/{document_id}"]["patch"]["responses"]


def test_the_committed_openapi_document_is_the_one_the_app_serves(client):
    """R14: an API change shows up as a diff of docs/openapi.json (regenerate: styrdok openapi)."""
    import json

    from registry.config import PROJECT_ROOT

    committed = json.loads((PROJECT_ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert client.get("/api/v1/openapi.json").json == committed, "kör ”styrdok openapi” och checka in docs/openapi.json"
