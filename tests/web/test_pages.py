"""The pages as a registrator, a politician and an auditor use them."""

from __future__ import annotations

import io
import re

from registry.services.demo import demo_motion_text
from tests.support.web import csrf_of, login

DOC = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d01"
GUIDE = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d03"


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_register_lists_the_demo_in_swedish_order(client):
    html = text_of(client.get("/"))
    titles = re.findall(r'<th scope="row"><a href="/dokument/[^"]+">([^<]+)</a>', html)
    assert titles[0].startswith("Checklista") and titles[-1].startswith("Riktlinjer")
    assert '<html lang="sv">' in html and "Tillgänglighetsredogörelse" in html


def test_swedish_sort_puts_a_ring_a_diaeresis_o_diaeresis_after_z():
    from registry.queries import swedish_key

    names = ["Öland", "Ängelholm", "Zinkgruvan", "Åre", "Arvika"]
    assert sorted(names, key=swedish_key) == ["Arvika", "Zinkgruvan", "Åre", "Ängelholm", "Öland"]


def test_filters_and_search(client):
    assert "Digitaliseringsstrategi" in text_of(client.get("/?typ=strategi"))
    assert "Checklista innan" not in text_of(client.get("/?typ=strategi"))
    found = text_of(client.get("/?q=cybersäkerhet"))
    assert "1 dokument" in found and "<mark>cybersäkerhet</mark>" in found
    assert "Digitaliseringsstrategi" in text_of(client.get("/?q=strategi"))
    assert "Inga dokument matchar" in text_of(client.get("/?q=finnsinte"))
    assert "Intern AI-vägledning" in text_of(client.get("/?organ=KLK"))


def test_document_page_shows_sections_relations_both_ways_and_history(client):
    html = text_of(client.get(f"/dokument/{DOC}"))
    assert 'id="digital-fornyelse"' in html
    assert "berörs av" in html and "Intern AI-vägledning för medarbetare" in html
    assert "Version 1" in html and "Strategier anger långsiktiga avsikter" in html
    guide = text_of(client.get(f"/dokument/{GUIDE}"))
    assert "berör" in guide and "avsnittet digital-fornyelse" in guide


def test_graph_is_an_svg_with_a_title_and_named_links(client):
    response = client.get(f"/dokument/{DOC}/graf.svg")
    assert response.mimetype == "image/svg+xml"
    import html

    svg = html.unescape(text_of(response))
    assert "<title" in svg and "berörs av Intern AI-vägledning" in svg


def test_case_page_lists_decisions_in_order(client):
    html = text_of(client.get("/arenden/ks 2025/32"))
    assert html.index("§ 52") < html.index("§ 61")
    assert "Gunnar Bergström (V)" in html and "2025-02-03 enligt tjänsteskrivelsens sidhuvud" in html
    assert client.get("/arenden/KS 1999.1").status_code == 404


def test_prova_shows_the_mismatch_and_the_related_documents(client):
    token = csrf_of(client)
    html = text_of(client.post("/prova", data={"text": demo_motion_text(), "csrf_token": token}))
    assert "Typen stämmer inte med definitionerna" in html
    mark = re.search(
        r'<li><mark class="mark-c(\d)" id="(belagg-(\d+)-\d+)"><a class="mark-number" href="#fynd-(\d+)"[^>]*>\d+</a>Hur ska öppenhet och transparens garanteras\?</mark></li>',
        html,
    )
    assert mark, "the bullet is kept as a list item, its evidence marked, numbered and tied to its finding"
    assert mark.group(3) == mark.group(4) and f'id="fynd-{mark.group(4)}"' in html
    assert f'href="#{mark.group(2)}"' in html  # the finding's quote leads to the mark
    for title in (
        "Digitaliseringsstrategi för Vallentuna kommun",
        "Riktlinjer för informations- och cybersäkerhet",
        "Intern AI-vägledning för medarbetare",
        "Checklista innan du börjar använda ett AI-verktyg",
    ):
        assert title in html
    assert "#digital-fornyelse" in html


def test_prova_escapes_what_it_is_given(client):
    token = csrf_of(client)
    html = text_of(
        client.post(
            "/prova",
            data={
                "text": "Motion om en policy <script>alert(1)</script>\n\nVi föreslår att kommunen tar fram en policy.",
                "csrf_token": token,
            },
        )
    )
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_prova_downloads(client):
    token = csrf_of(client)
    md = client.post("/prova/ladda-ner", data={"text": demo_motion_text(), "format": "md", "csrf_token": token})
    assert md.headers["Content-Disposition"].startswith("attachment") and "## Om styrdokument" in text_of(md)
    docx = client.post("/prova/ladda-ner", data={"text": demo_motion_text(), "format": "docx", "csrf_token": token})
    from docx import Document

    paragraphs = [p.text for p in Document(io.BytesIO(docx.data)).paragraphs]
    assert "Om styrdokument" in paragraphs
    assert any(p.startswith("”Strategier anger långsiktiga avsikter") for p in paragraphs)


def test_prova_refuses_bad_files_in_swedish(client):
    token = csrf_of(client)
    for name, data, message in [
        ("fel.pdf", b"%PDF-1.4 trasig", "PDF-filen"),
        ("program.docx", b"MZ" + b"\x00" * 50, "binärfil"),
        ("tom.txt", b"", "är tom"),
    ]:
        response = client.post(
            "/prova", data={"file": (io.BytesIO(data), name), "csrf_token": token}, content_type="multipart/form-data"
        )
        assert response.status_code == 422 and message in text_of(response), name


def test_huge_upload_gets_413_in_swedish(client):
    from werkzeug.test import EnvironBuilder

    token = csrf_of(client)
    builder = EnvironBuilder(
        path="/prova",
        method="POST",
        data={"file": (io.BytesIO(b"a" * (21 * 1024 * 1024)), "stor.txt"), "csrf_token": token},
    )
    try:
        response = client.open(builder)
    finally:
        builder.close()
    response.request.environ["wsgi.input"].close()  # the test client spooled the body to a file
    assert response.status_code == 413 and "För stor fil" in text_of(response)


def test_registering_through_the_form(fresh_app):
    client = fresh_app.test_client()
    login(client, "registrator")
    token = csrf_of(client)
    bad = client.post(
        "/dokument/ny",
        data={
            "title": "",
            "type": "policy",
            "csrf_token": token,
            "decision_date": "igår",
            "decision_body": "KS",
            "decision_paragraph": "5",
        },
    )
    html = text_of(bad)
    assert bad.status_code == 422
    assert 'class="error-summary"' in html and 'href="#title"' in html and 'href="#decision_date"' in html
    assert 'aria-invalid="true"' in html
    wrong_organ = {
        "title": "Policy för representation",
        "type": "policy",
        "status": "gällande",
        "adopted_by": "KLK",
        "full_text": "Policyn anger förhållningssätt och värderingar.",
        "csrf_token": token,
    }
    asked = client.post("/dokument/ny", data=wrong_organ)
    asked_html = text_of(asked)
    assert asked.status_code == 422 and 'id="confirm-errors"' in asked_html  # saved only when confirmed
    assert "antas enligt Vallentuna kommun av fullmäktige, styrelse" in asked_html
    good = client.post("/dokument/ny", data={**wrong_organ, "bekrafta": "1"})
    assert good.status_code == 302
    page = text_of(client.get(good.headers["Location"]))
    assert "är registrerat" in page and "antas enligt Vallentuna kommun av fullmäktige, styrelse" in page


def test_check_button_shows_findings_without_saving(fresh_app):
    client = fresh_app.test_client()
    login(client, "registrator")
    token = csrf_of(client)
    response = client.post(
        "/dokument/ny",
        data={
            "title": "Mål och riktlinjer för minoritetspolitiskt arbete",
            "type": "riktlinje",
            "action": "kontrollera",
            "full_text": "Hur ska arbetet gå till?",
            "csrf_token": token,
        },
    )
    assert response.status_code == 200 and "Titeln blandar" in text_of(response)
    assert "minoritetspolitiskt" not in text_of(client.get("/"))


def test_edit_that_lost_a_race_shows_the_other_change(fresh_app):
    first, second = fresh_app.test_client(), fresh_app.test_client()
    login(first, "registrator")
    login(second, "admin")
    form = text_of(first.get(f"/dokument/{DOC}/redigera"))
    version = re.search(r'name="expected_version" value="(\d+)"', form).group(1)
    base = {
        "title": "Digitaliseringsstrategi för Vallentuna kommun",
        "type": "strategi",
        "status": "gällande",
        "scope": "kommunövergripande",
        "expected_version": version,
        "sections_text": "## Digital förnyelse\nAvsnittet om digital förnyelse.",
    }
    saved = second.post(
        f"/dokument/{DOC}/redigera",
        data={**base, "owner": "Digitaliseringsenheten", "reason": "Ny ägare", "csrf_token": csrf_of(second)},
    )
    assert saved.status_code == 302
    lost = first.post(
        f"/dokument/{DOC}/redigera",
        data={**base, "owner": "IT-avdelningen", "reason": "Annan ägare", "csrf_token": csrf_of(first)},
    )
    html = text_of(lost)
    assert lost.status_code == 409
    assert "Någon annan har ändrat dokumentet" in html and "Digitaliseringsenheten" in html and "IT-avdelningen" in html
    assert "Ada Admin" in html or "admin" in html


def test_rules_page_quotes_definitions_with_sources(client):
    html = text_of(client.get("/regler"))
    assert "Riktlinjer ger övergripande vägledning i ärenden och frågor av verkställande art" in html
    assert "KS 2025-04-07 § 61" in html and "gemensam kärna" in html


def test_language_switch(client):
    token = csrf_of(client)
    client.post("/sprak", data={"lang": "en", "next": "/", "csrf_token": token})
    html = text_of(client.get("/"))
    assert '<html lang="en">' in html and "The register" in html
    client.post("/sprak", data={"lang": "sv", "next": "/", "csrf_token": token})


def test_admin_creates_a_user(fresh_app):
    client = fresh_app.test_client()
    login(client, "admin")
    token = csrf_of(client)
    short = client.post(
        "/admin/anvandare",
        data={
            "action": "skapa",
            "username": "eva",
            "display_name": "Eva",
            "role": "revisor",
            "password": "kort",
            "csrf_token": token,
        },
    )
    assert short.status_code == 422 and "minst 12 tecken" in text_of(short)
    ok = client.post(
        "/admin/anvandare",
        data={
            "action": "skapa",
            "username": "eva",
            "display_name": "Eva",
            "role": "revisor",
            "password": "ett-långt-lösenord",
            "csrf_token": token,
        },
    )
    assert ok.status_code == 302 and "eva" in text_of(client.get("/admin/anvandare"))


def test_unknown_pages_and_ids_are_swedish_404s(client):
    for path in ("/finns-inte", "/dokument/finns-inte"):
        response = client.get(path)
        assert response.status_code == 404 and "Sidan finns inte" in text_of(response)


def test_case_motion_opens_in_prova(client):
    html = text_of(client.get("/prova?arende=KS 2025.032"))
    assert "Kommunstyrelsen ges i uppdrag att ta fram" in html


def test_browser_line_breaks_do_not_count_as_changes(fresh_app):
    client = fresh_app.test_client()
    login(client, "registrator")
    doc = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d05"
    form = text_of(client.get(f"/dokument/{doc}/redigera"))
    fields = dict(re.findall(r'<input id="(\w+)" name="\w+" type="(?:text|date)" value="([^"]*)"', form))
    areas = {k: v.replace("\n", "\r\n") for k, v in re.findall(r'<textarea id="(\w+)"[^>]*>([^<]*)</textarea>', form)}
    data = {
        **fields,
        **areas,
        "type": "riktlinje",
        "status": "gällande",
        "adopted_by": "KS",
        "reason": "Ingen ändring",
        "expected_version": "1",
        "csrf_token": csrf_of(client),
    }
    import html as html_lib

    data = {k: html_lib.unescape(v) for k, v in data.items()}
    assert client.post(f"/dokument/{doc}/redigera", data=data).status_code == 302
    assert "Version 2" not in text_of(client.get(f"/dokument/{doc}"))


def test_reports_for_the_auditor(app):
    client = app.test_client()
    login(client, "revisor")
    overlaps = text_of(client.get("/rapporter/overlaps"))
    assert "Grupp 1" in overlaps and "Intern AI-vägledning för medarbetare" in overlaps and "AI" in overlaps
    violations = text_of(client.get("/rapporter/violations"))
    assert "Ärende KS 2025.032" in violations and "En typ ska innehålla en annan typ" in violations
    assert "type_contains_other_type" not in violations and ">error<" not in violations  # Swedish words only
    xlsx = client.get("/rapporter/hygiene?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    raw = client.get("/rapporter/overlaps?format=csv").data
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Swedish Excel needs for å, ä, ö
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Grupp;Likhet")
    assert ";0," in lines[1]  # a decimal comma: Excel reads the score as a number
    plain = client.get("/rapporter/overlaps?format=csv-ren").data.decode("utf-8")
    assert plain.splitlines()[0].startswith("Grupp,Likhet") and ",0." in plain.splitlines()[1]
    assert client.get("/rapporter/finns-inte").status_code == 404


def test_database_down_gives_a_swedish_503_not_a_traceback(tmp_path):
    from registry.config import load_settings
    from web import create_app

    settings = load_settings(
        {
            "STYRDOK_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/styrdok",
            "STYRDOK_INSTANCE_DIR": str(tmp_path),
        }
    )
    app = create_app(settings, testing=True)
    client = app.test_client()
    page = client.get("/")
    assert page.status_code == 503 and "Tillfälligt otillgänglig" in text_of(page) and "Traceback" not in text_of(page)
    api = client.get("/api/v1/documents")
    assert api.status_code == 503 and api.json["error"]["code"] == "unavailable"
    app.extensions["styrdok"]["engine"].dispose()


def test_the_form_has_one_organ_field_and_the_decision_is_that_organs(fresh_app):
    from registry.models import Document

    client = fresh_app.test_client()
    login(client, "registrator")
    form_html = text_of(client.get("/dokument/ny"))
    assert form_html.count("Beslutande organ") == 1 and 'name="decision_body"' not in form_html
    token = csrf_of(client)
    saved = client.post(
        "/dokument/ny",
        data={
            "title": "Riktlinjer för ett organ",
            "type": "riktlinje",
            "status": "gällande",
            "adopted_by": "KS",
            "decision_date": "2026-11-02",
            "decision_paragraph": "140",
            "full_text": "Riktlinjerna anger hur förvaltningen ska arbeta med frågan.",
            "bekrafta": "1",
            "csrf_token": token,
        },
    )
    assert saved.status_code == 302, text_of(saved)[:400]
    new_id = saved.headers["Location"].rsplit("/", 1)[-1]
    with fresh_app.extensions["styrdok"]["read_sessions"]() as session:
        document = session.get(Document, new_id)
        assert document.adopted_by.key == "KS" and document.decision.body.key == "KS"
    missing = client.post(
        "/dokument/ny",
        data={
            "title": "Utan organ",
            "type": "rutin",
            "decision_date": "2026-11-02",
            "decision_paragraph": "3",
            "csrf_token": token,
        },
    )
    assert missing.status_code == 422 and 'href="#adopted_by"' in text_of(missing)  # the one field is named


def test_a_decision_taken_by_another_organ_is_kept_when_the_form_is_saved(fresh_app):
    from registry.models import Document
    from registry.services import register_document

    with fresh_app.extensions["styrdok"]["sessions"]() as session:
        document = register_document(
            session,
            {
                "title": "Plan antagen av fullmäktige",
                "type": "plan",
                "status": "utkast",
                "adopted_by": "KF",
                "decision": {"body": "KS", "meeting_date": "2026-10-05", "paragraph": "12"},
            },
            actor="test",
        )
        session.commit()
        document_id = document.id
    client = fresh_app.test_client()
    login(client, "registrator")
    edit = text_of(client.get(f"/dokument/{document_id}/redigera"))
    assert 'type="hidden" name="decision_body" value="KS"' in edit and "Beslutet nedan fattades av KS" in edit
    form = dict(re.findall(r'name="(expected_version|decision_body)" value="([^"]*)"', edit))
    saved = client.post(
        f"/dokument/{document_id}/redigera",
        data={
            **form,
            "title": "Plan antagen av fullmäktige",
            "type": "plan",
            "status": "utkast",
            "adopted_by": "KF",
            "decision_date": "2026-10-05",
            "decision_paragraph": "12",
            "owner": "Planchefen",
            "reason": "Ny ägare",
            "csrf_token": csrf_of(client),
        },
    )
    assert saved.status_code == 302, text_of(saved)[:400]
    with fresh_app.extensions["styrdok"]["read_sessions"]() as session:
        document = session.get(Document, document_id)
        assert document.owner == "Planchefen" and document.decision.body.key == "KS"
