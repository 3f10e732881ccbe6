"""Downloading a document's original: only where the document may be read, always as a download."""

from __future__ import annotations

import io
import re

from benchmarks.docmaker import make_docx
from tests.support.web import csrf_of, login

POLICY = make_docx(
    "Riktlinjer för parkering",
    meta=["Antagen av kommunstyrelsen 2021-03-12, § 30"],
    sections=[("Syfte", ["Riktlinjerna anger ramarna för parkering."])],
)


def _import_and_confirm(client, status):
    upload = client.post(
        "/importera",
        data={"csrf_token": csrf_of(client), "filer": [(io.BytesIO(POLICY), "parkering.docx")]},
        content_type="multipart/form-data",
    )
    form = {
        "csrf_token": csrf_of(client),
        "title": "Riktlinjer för parkering",
        "type": "riktlinje",
        "status": status,
        "scope": "kommunövergripande",
        "adopted_by": "KS",
        "decision_body": "KS",
        "decision_date": "2021-03-12",
        "decision_paragraph": "30",
        "sections_text": "## Syfte\nRiktlinjerna anger ramarna för parkering.",
        "action": "spara",
    }
    done = client.post(upload.location, data=form)
    return client.get(done.location).get_data(as_text=True)


def test_the_original_is_linked_and_downloads_as_an_attachment(fresh_app):
    client = fresh_app.test_client()
    login(client, "registrator")
    summary = _import_and_confirm(client, "gällande")
    link = re.search(r'href="/dokument/([0-9a-f-]{36})">Registrerad', summary)[1]
    page = fresh_app.test_client().get(f"/dokument/{link}").get_data(as_text=True)
    assert "Originalfiler" in page and "parkering.docx" in page
    href = page.split('href="/dokument/' + link + "/filer/")[1].split('"')[0]
    download = fresh_app.test_client().get(f"/dokument/{link}/filer/{href}")
    assert download.status_code == 200 and download.data == POLICY
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download.headers["Content-Security-Policy"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert fresh_app.test_client().get(f"/dokument/{link}/filer/{'0' * 64}").status_code == 404
    assert fresh_app.test_client().get(f"/dokument/{link}/filer/..%2F..%2Fsecret_key").status_code == 404


def test_a_drafts_original_is_not_there_for_the_public(fresh_app):
    client = fresh_app.test_client()
    login(client, "registrator")
    summary = _import_and_confirm(client, "utkast")
    link = re.search(r'href="/dokument/([0-9a-f-]{36})">Registrerad', summary)[1]
    page = client.get(f"/dokument/{link}").get_data(as_text=True)
    href = page.split('href="/dokument/' + link + "/filer/")[1].split('"')[0]
    assert client.get(f"/dokument/{link}/filer/{href}").status_code == 200
    assert fresh_app.test_client().get(f"/dokument/{link}/filer/{href}").status_code == 404
