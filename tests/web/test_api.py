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


def test_a_reader_who_has_the_current_version_gets_304(writer):
    created = writer.post("/api/v1/documents", json={"title": "Policy för bemötande", "type": "policy"})
    location, etag = created.headers["Location"], created.headers["ETag"]
    again = writer.get(location, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert writer.get(location, headers={"If-None-Match": '"en annan"'}).status_code == 200


def test_a_stale_if_match_is_told_the_current_etag_which_then_works(writer):
    created = writer.post("/api/v1/documents", json={"title": "Plan för trafiksäkerhet", "type": "plan"})
    location, first = created.headers["Location"], created.headers["ETag"]
    writer.patch(location, json={"owner": "Trafikenheten", "reason": "Ägare"}, headers={"If-Match": first})
    stale = writer.patch(location, json={"owner": "Gatuenheten", "reason": "Ny ägare"}, headers={"If-Match": first})
    assert_error(stale, 412)
    current = stale.json["error"]["message"].split("senaste ETag är ")[1].rstrip(".")
    assert current == writer.get(location).headers["ETag"]
    retried = writer.patch(location, json={"owner": "Gatuenheten", "reason": "Ny ägare"}, headers={"If-Match": current})
    assert retried.status_code == 200 and retried.json["owner"] == "Gatuenheten" and retried.json["version"] == 3


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("per_page=0", "per_page", "Ange mellan 1 och 200 per sida."),
        ("per_page=tio", "per_page", "Ange antalet per sida som ett heltal."),
        ("page=0", "page", "Ange en sida mellan 1 och 100000."),
        ("q=" + "a" * 201, "q", "Högst 200 tecken; här är det 201."),
    ],
)
def test_the_register_query_is_refused_in_swedish_naming_the_parameter(client, query, field, message):
    response = client.get(f"/api/v1/documents?{query}")
    assert_error(response, 422, field)
    assert response.json["error"]["errors"][field] == [message]
    assert response.json["error"]["message"] == f"Frågan: fältet ”{field}”: {message}"


def test_unknown_query_parameters_are_ignored_and_answers_hold_only_their_schemas_fields(client):
    from registry.schemas import DocumentListSchema, DocumentOutSchema

    listing = client.get("/api/v1/documents?per_page=2&sortera=titel")
    assert listing.status_code == 200
    assert set(listing.json) == set(DocumentListSchema().fields)
    assert all(set(document) == set(DocumentOutSchema().fields) for document in listing.json["documents"])


def test_the_same_decision_again_is_200_with_the_decision_recorded_once(writer):
    body = {"case": "KS 2025.032", "body": "KS", "meeting_date": "2025-04-07", "paragraph": "61", "outcome": "besvarad"}
    first, again = writer.post("/api/v1/decisions", json=body), writer.post("/api/v1/decisions", json=body)
    assert {first.status_code, again.status_code} <= {200, 201} and again.status_code == 200
    decisions = writer.get("/api/v1/cases/KS 2025.032").json["decisions"]
    assert sum(1 for d in decisions if d["body"] == "KS" and d["paragraph"] == "61") == 1
