"""Import on the web: upload, review what was read, confirm; nothing is saved before confirming."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from benchmarks.docmaker import make_docx
from registry.models import Case, CasePaper, Document
from tests.support.paths import SEED_CASE_FILE
from tests.support.web import csrf_of, login


def _upload(client, files):
    data = {"csrf_token": csrf_of(client), "filer": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/importera", data=data, content_type="multipart/form-data")


def _count(app, model):
    with app.extensions["styrdok"]["sessions"]() as session:
        return session.scalar(select(func.count()).select_from(model))


POLICY = make_docx(
    "Riktlinjer för parkering",
    meta=["Antagen av kommunstyrelsen 2021-03-12, § 30", "Dokumentansvarig: Trafikenheten"],
    sections=[("Syfte", ["Riktlinjerna anger ramarna för hur parkering hanteras i kommunens verksamheter."])],
    numbered=["Parkering avgiftsbeläggs i centrum."],
    header="VALLENTUNA KOMMUN",
    footer="SID 1/1",
)


def test_only_registrators_may_import(client):
    assert client.get("/importera").status_code in (302, 401, 403)


def test_upload_review_and_confirm_a_document(fresh_app):
    client = fresh_app.test_client()
    login(client, "registrator")
    documents = _count(fresh_app, Document)
    response = _upload(client, [("parkering.docx", POLICY), ("../../etc/passwd<script>.docx", POLICY)])
    assert response.status_code == 302 and "/importera/" in response.location
    assert _count(fresh_app, Document) == documents  # nothing saved before review
    page = client.get(response.location).get_data(as_text=True)
    assert "Granska importen: parkering.docx" in page and "Fil 1 av 2" in page
    assert 'value="Riktlinjer för parkering"' in page
    assert "ur texten: ”Antagen av kommunstyrelsen 2021-03-12, § 30”" in page
    assert 'value="2021-03-12"' in page and 'value="30"' in page and 'value="Trafikenheten"' in page
    assert "## Syfte" in page and "1. Parkering avgiftsbeläggs i centrum." in page
    assert "VALLENTUNA KOMMUN" not in page.split("<main", 1)[1]
    form = {
        name: value
        for name, value in re.findall(r'<input id="(\w+)" name="\1" type="(?:text|date)" value="([^"]*)"', page)
    }
    form.update(
        csrf_token=csrf_of(client),
        type="riktlinje",
        status="utkast",
        adopted_by="KS",
        decision_body="KS",
        full_text="",
        sections_text="## Syfte\nRiktlinjerna anger ramarna för parkering.",
        action="spara",
    )
    saved = client.post(response.location, data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    assert _count(fresh_app, Document) == documents + 1
    second = client.get(saved.location).get_data(as_text=True)
    assert "Fil 2 av 2" in second and "passwd&lt;script&gt;.docx" in second and "<script>.docx" not in second
    skipped = client.post(saved.location, data={"csrf_token": csrf_of(client), "action": "hoppa"})
    done = client.get(skipped.location).get_data(as_text=True)
    assert "Importen är klar" in done and "Överhoppad" in done
    assert _count(fresh_app, Document) == documents + 1
    assert (
        client.post(
            saved.location.rsplit("/", 1)[0] + "/1", data={"csrf_token": csrf_of(client), "action": "spara"}
        ).status_code
        == 200
    )


def test_uploaded_files_are_stored_by_content_hash_only(fresh_app, tmp_path):
    client = fresh_app.test_client()
    login(client, "registrator")
    _upload(client, [("../../../utanför.docx", POLICY)])
    store = tmp_path / "files"
    stored = [p for p in store.rglob("*") if p.is_file()]
    assert len(stored) == 1 and re.fullmatch(r"[0-9a-f]{64}", stored[0].name)
    assert not list(tmp_path.parent.glob("utanför*"))


def test_seed_case_file_is_reviewed_and_registered_with_its_checks(fresh_app):
    client = fresh_app.test_client()
    login(client, "registrator")
    response = _upload(client, [("protokoll.txt", SEED_CASE_FILE.read_bytes())])
    page = client.get(response.location).get_data(as_text=True)
    assert "Ärende KS 2025.032" in page
    assert "KS AU 2025-03-27 § 52" in page and "KS 2025-04-07 § 61" in page
    assert "begär Strategi; innehållet stämmer bäst med Riktlinjer" in page
    papers = _count(fresh_app, CasePaper)
    confirmed = client.post(response.location, data={"csrf_token": csrf_of(client), "action": "registrera"})
    assert confirmed.status_code == 302
    assert _count(fresh_app, Case) == 1 and _count(fresh_app, CasePaper) == papers  # the demo already holds it


def test_unreadable_upload_is_explained_and_nothing_saved(fresh_app, tmp_path):
    client = fresh_app.test_client()
    login(client, "registrator")
    documents = _count(fresh_app, Document)
    response = _upload(client, [("program.pdf", b"MZ\x90\x00" + b"\x00" * 300)])
    page = client.get(response.location).get_data(as_text=True)
    assert "program.pdf är ett program eller en annan binärfil" in page
    assert _count(fresh_app, Document) == documents
    assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]  # the refused file is not kept
    empty = client.post("/importera", data={"csrf_token": csrf_of(client)}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Välj minst en fil" in empty.get_data(as_text=True)


def test_another_users_review_is_not_found(fresh_app):
    client = fresh_app.test_client()
    login(client, "registrator")
    location = _upload(client, [("parkering.docx", POLICY)]).location
    other = fresh_app.test_client()
    login(other, "admin")
    assert other.get(location).status_code == 404
    assert other.get("/importera/inte-en-token/1").status_code == 404


def _review_form(page: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input id="(\w+)" name="\1" type="(?:text|date)" value="([^"]*)"', page))
    fields.update(re.findall(r'<input type="hidden" name="(ersatter_fragad)" value="([^"]*)"', page))
    return fields


def test_an_ersatter_line_in_the_file_is_offered_as_a_relation_and_made(fresh_app):
    from registry.models import Relation

    newer = make_docx(
        "Riktlinjer för informationssäkerhet 2026",
        meta=["Dokumentansvarig: Säkerhetssamordnaren", "Ersätter Riktlinjer för informations- och cybersäkerhet."],
        sections=[("Syfte", ["Riktlinjerna anger hur förvaltningen ska skydda information."])],
        bullets=["Klassa informationen.", "Välj skydd efter klassningen."],
    )
    client = fresh_app.test_client()
    login(client, "registrator")
    response = _upload(client, [("ny.docx", newer)])
    page = client.get(response.location).get_data(as_text=True)
    assert 'id="ersatter" name="ersatter" type="checkbox" value="1" checked' in page
    assert "Dokumentet ersätter ”Riktlinjer för informations- och cybersäkerhet”" in page
    form = _review_form(page)
    form.update(
        csrf_token=csrf_of(client),
        type="riktlinje",
        status="utkast",
        ersatter="1",
        action="spara",
        sections_text="## Syfte\nRiktlinjerna anger hur förvaltningen ska skydda information.\n\n• Klassa informationen.\n• Välj skydd efter klassningen.",
    )
    saved = client.post(response.location, data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:1500]
    done = client.get(saved.location).get_data(as_text=True)
    assert "ersätter Riktlinjer för informations- och cybersäkerhet" in done
    with fresh_app.extensions["styrdok"]["read_sessions"]() as session:
        new_id = session.scalar(select(Document.id).where(Document.title == "Riktlinjer för informationssäkerhet 2026"))
        kinds = [r.kind for r in session.scalars(select(Relation).where(Relation.source_id == new_id))]
    assert kinds == ["ersätter"]
    shown = client.get(f"/dokument/{new_id}").get_data(as_text=True)
    assert '<ul lang="sv"><li>Klassa informationen.</li><li>Välj skydd efter klassningen.</li></ul>' in shown  # kept


def test_an_ersatter_relation_left_unticked_is_not_made(fresh_app):
    from registry.models import Relation

    newer = make_docx("Rutin för nycklar", meta=["Ersätter Riktlinjer för informations- och cybersäkerhet."])
    client = fresh_app.test_client()
    login(client, "registrator")
    response = _upload(client, [("rutin.docx", newer)])
    form = _review_form(client.get(response.location).get_data(as_text=True))
    form.update(csrf_token=csrf_of(client), type="rutin", status="utkast", action="spara")  # box unticked
    assert client.post(response.location, data=form).status_code == 302
    with fresh_app.extensions["styrdok"]["read_sessions"]() as session:
        new_id = session.scalar(select(Document.id).where(Document.title == "Rutin för nycklar"))
        assert session.scalar(select(func.count()).select_from(Relation).where(Relation.source_id == new_id)) == 0


def test_an_ersatter_line_naming_nothing_in_the_register_says_so(fresh_app):
    newer = make_docx("Rutin för lås", meta=["Ersätter Rutin för gamla lås."])
    client = fresh_app.test_client()
    login(client, "registrator")
    response = _upload(client, [("lås.docx", newer)])
    page = client.get(response.location).get_data(as_text=True)
    assert "ersätter ”Rutin för gamla lås”, men inget dokument med den titeln finns" in page
    assert 'name="ersatter"' not in page


def test_the_review_shows_the_original_as_it_was_read_beside_the_form(fresh_app):
    from benchmarks.pdfmaker import Text, make_pdf

    client = fresh_app.test_client()
    login(client, "registrator")
    response = _upload(client, [("parkering.docx", POLICY)])
    page = client.get(response.location).get_data(as_text=True)
    preview = page[page.index('class="original-preview"') : page.index("</details>")]
    assert "Originalet som Styrdok läste det (Word" in preview
    assert "<strong>Syfte</strong>" in preview
    # the numbered list stays numbered, with the file's own numbers
    assert '<ol class="original-list numbered">' in preview and '<span class="list-number">1.</span>' in preview
    assert "Parkering avgiftsbeläggs i centrum." in preview and "Dokumentansvarig: Trafikenheten" in preview
    assert "VALLENTUNA KOMMUN" not in preview.split("Sidhuvuden")[0]  # the running header is not text
    pdf = make_pdf(
        [
            [
                Text("Rutin för skrivare", size=18, bold=True, y=760),
                Text("Skrivaren ska stängas av varje kväll.", y=700),
            ],
            ["Andra sidan börjar här."],
        ]
    )
    response = _upload(client, [("rutin.pdf", pdf)])
    page = client.get(response.location).get_data(as_text=True)
    assert "(PDF, 2 sidor)" in page and "Sida 1" in page and "Sida 2" in page and "Andra sidan börjar här." in page


def test_a_pdf_under_review_is_shown_as_pictures_of_its_pages_to_its_uploader_only(fresh_app):
    from benchmarks.pdfmaker import Text, make_pdf

    pdf = make_pdf(
        [
            [Text("Riktlinjer för snöröjning", y=760, size=18, bold=True), Text("Syfte och omfattning.", y=700)],
            [Text("Ansvar och uppföljning.", y=760)],
        ]
    )
    client = fresh_app.test_client()
    login(client, "registrator")
    review_url = _upload(client, [("snorojning.pdf", pdf), ("parkering.docx", POLICY)]).location
    page = client.get(review_url).get_data(as_text=True)
    pictures = re.findall(r'<img src="([^"]+/sida-(\d)\.png)" width="(\d+)" height="(\d+)"', page)
    assert [(number, width) for _, number, width, _ in pictures] == [("1", "900"), ("2", "900")]
    assert 'alt="Sida 1 av originalet som bild; texten som Styrdok läste den står under bilderna."' in page
    drawn = client.get(pictures[0][0])
    assert drawn.status_code == 200 and drawn.mimetype == "image/png" and drawn.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(pictures[0][0].replace("sida-1", "sida-3")).status_code == 404  # not drawn
    docx_review = client.get(review_url[: -len("1")] + "2").get_data(as_text=True)
    assert "original-pictures" not in docx_review  # a Word file is shown as its text
    other = fresh_app.test_client()
    login(other, "admin")
    assert other.get(pictures[0][0]).status_code == 404  # another person's upload is not there
