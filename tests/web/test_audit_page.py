"""The audit trail for an auditor: in words, filtered by person, kind and date, paged and
exported (issue 15, in part)."""

from __future__ import annotations

import csv
import io

from tests.support.web import login


def _revise_as_registrator(app, times: int) -> None:
    from registry.services import revise_document
    from registry.services.documents import get_document

    guide = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d03"
    with app.extensions["styrdok"]["sessions"]() as session:
        for n in range(times):
            document = get_document(session, guide)
            revise_document(
                session,
                guide,
                {"summary": f"Sammanfattning {n}.", "expected_version": document.version, "reason": "x"},
                actor="registrator",
            )
        session.commit()


def test_the_trail_reads_as_sentences_with_names_not_codes(fresh_app):
    _revise_as_registrator(fresh_app, 1)
    client = fresh_app.test_client()
    login(client, "revisor")
    html = client.get("/granskning").get_data(as_text=True)
    assert "Rebecka Registrator ändrade sammanfattning i ”Intern AI-vägledning för medarbetare”." in html
    assert "document.revised" not in html and '{"' not in html  # no event codes, no JSON
    assert "Rasmus Revisor loggade in." in html


def test_filters_narrow_by_person_kind_and_date_and_pages_hold_fifty(fresh_app):
    _revise_as_registrator(fresh_app, 60)
    client = fresh_app.test_client()
    login(client, "revisor")
    mine = client.get("/granskning", query_string={"vem": "registrator", "handelse": "dokument"}).get_data(as_text=True)
    assert "60 händelser, sida 1 av 2" in mine and mine.count("<li><time") == 50
    assert "loggade in" not in mine
    second = client.get("/granskning", query_string={"vem": "registrator", "handelse": "dokument", "sida": 2})
    assert second.get_data(as_text=True).count("<li><time") == 10
    nothing = client.get("/granskning", query_string={"fran": "1999-01-01", "till": "1999-12-31"})
    assert "0 händelser" in nothing.get_data(as_text=True)
    odd = client.get("/granskning", query_string={"fran": "igår", "handelse": "<b>", "sida": "x"})
    assert odd.status_code == 200


def test_the_export_holds_every_matching_event_for_swedish_excel(fresh_app):
    _revise_as_registrator(fresh_app, 3)
    client = fresh_app.test_client()
    login(client, "revisor")
    raw = client.get("/granskning.csv", query_string={"vem": "registrator"}).data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Tid", "Vem", "Händelse", "Vad som hände"]
    assert len(rows) == 1 + 3 and all(r[1] == "Rebecka Registrator" for r in rows[1:])


def test_only_an_auditor_reads_the_trail(client):
    assert client.get("/granskning").status_code in (302, 401, 403)
    assert client.get("/granskning.csv").status_code in (302, 401, 403)
