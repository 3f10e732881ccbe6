"""Bringing a kommun's documents in: structure and metadata from PDF, DOCX and text, the seed case
split into its parts, and the spreadsheet register with messy headers and dates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from benchmarks.docmaker import BILLION_LAUGHS, make_docx, make_xlsx, make_zip
from benchmarks.pdfmaker import Text, make_pdf
from registry.db import make_engine, make_session_factory
from registry.errors import InvalidInput, UnreadableInput
from registry.ingest.dates import parse_date
from registry.ingest.extract import Extractor, extract_file
from registry.ingest.layout import LIST_ITEM, Layout, layout_of
from registry.ingest.metadata import suggest_metadata
from registry.ingest.spreadsheet import guess_field, parse_override, read_sheet
from registry.models import AuditEvent, Case, Document, Relation
from registry.rules.engine import type_lexicon
from registry.services.ingest import apply_import, plan_import, read_sources
from tests.support.paths import SEED_CASE_FILE, shared_file

SEED = SEED_CASE_FILE


def _layout(data: bytes, name: str = "fil") -> Layout:
    return layout_of(extract_file(data, name))


def _letterhead(page: int, pages: int) -> list[Text]:
    return [
        Text("VALLENTUNA KOMMUN Styrdokument", y=815, size=9),
        Text(f"SID {page}/{pages}", x=480, y=815, size=9),
        Text("Riktlinjer för informationssäkerhet", y=30, size=8),
    ]


def _policy_pdf() -> bytes:
    first = _letterhead(1, 3) + [
        Text("Riktlinjer för informationssäkerhet", y=760, size=20, bold=True),
        Text("Antagen av kommunfullmäktige 2019-04-23, § 45", y=730),
        Text("1. Syfte", y=700, size=14, bold=True),
        Text("Riktlinjerna anger ramarna för hur medarbetare hanterar information. De gäller", y=680),
        Text("för alla förvaltningar och bolag i kommunen.", y=666),
        Text("1. Information klassas innan den delas.", y=640),
        Text("2. Lösenord delas aldrig med någon annan.", y=626),
    ]
    second = _letterhead(2, 3) + [Text("2. Ansvar och ägarskap", y=760, size=14, bold=True)]
    second += [Text(f"Vänster spalt {i}: förvaltningschefen ansvarar.", x=50, y=740 - 14 * i) for i in range(4)]
    second += [Text(f"Höger spalt {i}: ägaren följer upp.", x=320, y=740 - 14 * i) for i in range(4)]
    return make_pdf([first, second, []])


# --- structure --------------------------------------------------------------------------------------


def test_pdf_headings_become_sections_with_anchors_that_survive_renumbering():
    layout = _layout(_policy_pdf(), "riktlinjer.pdf")
    assert layout.title == "Riktlinjer för informationssäkerhet"
    assert [(s.anchor, s.heading) for s in layout.sections()] == [
        ("syfte", "1. Syfte"),
        ("ansvar-och-agarskap", "2. Ansvar och ägarskap"),
    ]


def test_pdf_running_headers_and_footers_are_not_content():
    layout = _layout(_policy_pdf())
    assert "SID" not in layout.text and "VALLENTUNA KOMMUN" not in layout.text
    assert layout.text.count("Riktlinjer för informationssäkerhet") == 1  # the title, not the footer
    assert "SID 1/3" in layout.removed


def test_pdf_numbered_list_stays_a_list_and_wrapped_lines_join():
    layout = _layout(_policy_pdf())
    items = [(b.number, b.text) for b in layout.blocks if b.kind == LIST_ITEM]
    assert items == [("1.", "Information klassas innan den delas."), ("2.", "Lösenord delas aldrig med någon annan.")]
    assert "De gäller för alla förvaltningar" in layout.sections()[0].text
    assert "1. Information klassas innan den delas.\n2. Lösenord" in layout.sections()[0].text


def test_pdf_two_columns_are_read_column_by_column():
    text = _layout(_policy_pdf()).sections()[1].text
    assert text.index("Vänster spalt 3") < text.index("Höger spalt 0")
    assert text.index("Vänster spalt 0") < text.index("Vänster spalt 1")


def test_pdf_page_without_text_is_reported_not_guessed():
    layout = _layout(_policy_pdf())
    assert layout.empty_pages == [3]
    only_scans = _layout(make_pdf([[], []]))
    assert only_scans.text == "" and only_scans.empty_pages == [1, 2]


def test_docx_styles_give_title_headings_and_both_kinds_of_list():
    data = make_docx(
        "Policy för bemötande",
        meta=["Antagen av kommunfullmäktige den 2 maj 2018, § 12"],
        sections=[("Syfte", ["Vi bemöter alla lika."]), ("Ansvar", ["Chefen ansvarar."])],
        numbered=["Lyssna först.", "Svara inom två dagar."],
        bullets=["Var tydlig."],
        header="VALLENTUNA KOMMUN",
        footer="Sida 1 av 1",
    )
    layout = _layout(data, "policy.docx")
    assert layout.title == "Policy för bemötande"
    assert [s.heading for s in layout.sections()] == ["Syfte", "Ansvar"]
    assert (
        layout.sections()[0].text
        == "Vi bemöter alla lika.\n\n1. Lyssna först.\n2. Svara inom två dagar.\n• Var tydlig."
    )
    assert "VALLENTUNA" not in layout.text and "Sida 1" not in layout.text


def test_swedish_characters_survive_pdf_and_docx():
    words = "Åtgärder för äldreomsorg och översyn"
    assert words in _layout(make_pdf([[Text(words, y=700)]])).text
    assert words in _layout(make_docx("Plan", sections=[("Mål", [words])])).text


# --- metadata suggestions ----------------------------------------------------------------------------


METADATA_CASES = [
    (
        "Antagen av kommunfullmäktige 2019-04-23, § 45",
        {"adopted_by": "kommunfullmäktige", "decision.meeting_date": "2019-04-23", "decision.paragraph": "45"},
    ),
    (
        "Fastställd av Barn- och utbildningsnämnden den 3 mars 2021 § 7",
        {
            "adopted_by": "Barn- och utbildningsnämnden",
            "decision.meeting_date": "2021-03-03",
            "decision.paragraph": "7",
        },
    ),
    (
        "Beslutad av kommunstyrelsen 2020-01-15",
        {"adopted_by": "kommunstyrelsen", "decision.meeting_date": "2020-01-15"},
    ),
    ("Dnr: KS 2019/123", {"decision.dnr": "KS 2019/123"}),
    ("Diarienummer KS 2025.032", {"decision.dnr": "KS 2025.032"}),
    ("Dnr 2019-160", {"decision.dnr": "2019-160"}),
    ("Dokumentansvarig: Säkerhetssamordnaren", {"owner": "Säkerhetssamordnaren"}),
    ("Gäller till och med 2027-12-31", {"valid_until": "2027-12-31"}),
    ("Giltig från 1 januari 2020", {"valid_from": "2020-01-01"}),
    ("Ska revideras senast 2026-06-30", {"next_review_on": "2026-06-30"}),
    (
        "Dokumentet ersätter Riktlinjer för IT-säkerhet (KF 2012-03-05 § 12).",
        {"supersedes": "Riktlinjer för IT-säkerhet (KF 2012-03-05 § 12)"},
    ),
    ("Vi ska anta en ny plan under året.", {}),
    # several fields on one line, as a document's front matter often has them (issue 15)
    (
        "Dokumentansvarig: Kanslichefen. Nästa översyn: 2025-02-06",
        {"owner": "Kanslichefen", "next_review_on": "2025-02-06"},
    ),
    (
        "Dokumentansvarig: IT-chefen; Dnr: KS 2019/123; Gäller till och med 2027-12-31",
        {"owner": "IT-chefen", "decision.dnr": "KS 2019/123", "valid_until": "2027-12-31"},
    ),
    ("Nästa revidering: senast 2026-06-30", {"next_review_on": "2026-06-30"}),
]


@pytest.mark.parametrize(("line", "expected"), METADATA_CASES, ids=[c[0][:30] for c in METADATA_CASES])
def test_metadata_is_suggested_with_the_line_it_came_from(line, expected, rulesets):
    layout = _layout(f"Riktlinjer för informationssäkerhet\n\n{line}\n\nText om syftet.".encode())
    found = {s.field: s for s in suggest_metadata(layout, type_lexicon(rulesets["vallentuna"]))}
    assert found["type"].value == "riktlinje"
    got = {k: v.value for k, v in found.items() if k not in ("title", "type")}
    assert got == expected
    assert all(s.evidence == line for k, s in found.items() if k not in ("title", "type"))


@pytest.mark.parametrize(
    ("title", "type_key"),
    [
        ("Digitaliseringsstrategi 2025–2030", "strategi"),
        ("Handlingsplan för klimat", "handlingsplan"),
        ("Policy för bemötande", "policy"),
        ("Årsredovisning 2024", None),
    ],
)
def test_type_named_in_the_title(title, type_key, rulesets):
    layout = _layout(f"{title}\n\nNågot om innehållet.".encode())
    found = {s.field: s.value for s in suggest_metadata(layout, type_lexicon(rulesets["vallentuna"]))}
    assert found.get("type") == type_key


# --- the seed case -------------------------------------------------------------------------------------


def test_seed_case_file_is_split_into_case_decisions_and_papers_each_checked(db_session, rulesets):
    reads = read_sources([(SEED.name, SEED.read_bytes)])
    proposals = plan_import(db_session, reads, None, rulesets["vallentuna"])
    summary = apply_import(db_session, proposals, rulesets["vallentuna"], actor="testaren")
    case = db_session.scalar(select(Case).where(Case.dnr_normalised == "KS 2025/32"))
    assert case is not None and case.kind == "motion" and case.submitted_by == "Vänsterpartiet"
    assert case.title == "Motion (V) om att införa en kommunal strategi för artificiell intelligens"
    assert case.submitted_on == dt.date(2025, 1, 20)
    assert [(d.body.key, d.meeting_date.isoformat(), d.paragraph, d.outcome) for d in case.decisions] == [
        ("KS AU", "2025-03-27", "52", "förslag till beslut"),
        ("KS", "2025-04-07", "61", "förslag till beslut"),
    ]
    assert case.decisions[1].wording == "Kommunstyrelsen föreslår att fullmäktige avslår motionen."
    assert "Gunnar Bergström (V)" in case.decisions[1].reservations[0]
    memo, motion = case.papers
    assert memo.kind == "tjänsteskrivelse" and [d["date"] for d in memo.dates] == ["2025-02-03", "2025-03-07"]
    assert "SID 2/2" not in memo.text and "Konsekvenser för barn" in memo.text
    assert motion.kind == "motion" and "Hur ska personalens utbildning se ut?" in motion.text
    assert "Protokollsbilaga" not in motion.text
    checked = [f for f in summary.findings if f.startswith("Ärende KS 2025.032")]
    assert any("motion: begär Strategi; innehållet stämmer bäst med Riktlinjer — avviker" in f for f in checked)
    assert any("tjänsteskrivelse:" in f for f in checked)


def test_seed_imported_twice_adds_nothing_the_second_time(db_session, rulesets):
    def once():
        reads = read_sources([(SEED.name, SEED.read_bytes)])
        return apply_import(
            db_session,
            plan_import(db_session, reads, None, rulesets["vallentuna"]),
            rulesets["vallentuna"],
            actor="testaren",
        )

    once()
    events = db_session.scalar(select(func.count()).select_from(AuditEvent))
    second = once()
    assert "(fanns redan)" in second.cases[0]
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == events


# --- spreadsheets -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Titel", "title"),
        ("DOKUMENTNAMN", "title"),
        (" Namn på dokumentet ", "title"),
        ("Dokumenttyp", "type"),
        ("Beslutad av", "adopted_by"),
        ("Beslutsinstans", "adopted_by"),
        ("Beslutsdatum", "decision.meeting_date"),
        ("Datum", "decision.meeting_date"),
        ("§", "decision.paragraph"),
        ("Dnr.", "decision.dnr"),
        ("Diarienr", "decision.dnr"),
        ("Giltig t.o.m.", "valid_until"),
        ("Gäller från", "valid_from"),
        ("Dokumentansvarig", "owner"),
        ("Ansvarig förvaltning", "owner"),
        ("Nästa revidering", "next_review_on"),
        ("Filnamn", "file"),
        ("Anteckningar", None),
        ("", None),
    ],
)
def test_swedish_headers_are_mapped_to_fields(header, field):
    assert guess_field(header) == field


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2019-04-23", dt.date(2019, 4, 23)),
        ("2019.04.23", dt.date(2019, 4, 23)),
        ("23/4 2019", dt.date(2019, 4, 23)),
        ("23.04.2019", dt.date(2019, 4, 23)),
        ("23 april 2019", dt.date(2019, 4, 23)),
        ("den 3 mars 2021", dt.date(2021, 3, 3)),
        ("20190423", dt.date(2019, 4, 23)),
        ("43578", dt.date(2019, 4, 23)),
        ("2019-04-23 00:00:00", dt.date(2019, 4, 23)),
        ("31/2 2019", None),
        ("snart", None),
        ("", None),
        ("45", None),
    ],
)
def test_dates_in_the_forms_people_type(cell, day):
    assert parse_date(cell) == day


def _register_xlsx() -> bytes:
    return make_xlsx(
        [
            ["Dokumentnamn", "Typ", "Beslutad av", "Beslutsdatum", "§", "Dnr", "Giltig t.o.m.", "Anteckning"],
            [
                "Riktlinjer för informationssäkerhet",
                "Riktlinjer",
                "Kommunfullmäktige",
                "23/4 2019",
                45,
                "KS 2019/123",
                dt.date(2027, 12, 31),
                "x",
            ],
            ["Policy för bemötande", "POLICY", "KF", dt.datetime(2018, 5, 2), "12", "KS 2018.55", "", ""],
            [None, None, None, None, None, None, None, None],
            ["Trasig rad", "Riktlinjer", "KF", "31/2 2019", "1", "", "", ""],
        ],
        title_rows=["Vallentuna kommun – förteckning över styrdokument", "Utdrag 2025-01-01"],
    )


def test_messy_spreadsheet_header_row_is_found_below_title_rows():
    sheet = read_sheet(extract_file(_register_xlsx(), "förteckning.xlsx"))
    assert sheet.mapping["Dokumentnamn"] == "title" and sheet.mapping["Anteckning"] is None
    assert [number for number, _ in sheet.rows] == [4, 5, 7]
    first = sheet.values(sheet.rows[0][1])
    assert first["decision.paragraph"] == "45" and first["valid_until"] == "2027-12-31"
    assert sheet.values(sheet.rows[1][1])["decision.meeting_date"] == "2018-05-02"


def test_column_mapping_can_be_overridden_and_bad_overrides_are_named():
    csv_text = "Handling;Sort;Anteckning\nPolicy för bemötande;Policy;Riktlinjer\n".encode()
    with pytest.raises(InvalidInput, match="hittade ingen rubrikrad"):
        read_sheet(extract_file(csv_text, "lista.csv"))
    sheet = read_sheet(extract_file(csv_text, "lista.csv"), dict([parse_override("Handling=titel")]))
    assert sheet.values(sheet.rows[0][1]) == {"title": "Policy för bemötande", "type": "Policy"}
    with pytest.raises(InvalidInput, match="Okänt fält ”rubbe”"):
        parse_override("Namn=rubbe")
    with pytest.raises(
        InvalidInput, match="Kolumnen ”Finns inte” finns inte i förteckning.xlsx. Kolumner: Dokumentnamn, Typ"
    ):
        read_sheet(extract_file(_register_xlsx(), "förteckning.xlsx"), {"Finns inte": "title"})


# --- the folder import on the command line -------------------------------------------------------------


def _folder(tmp_path):
    folder = tmp_path / "styrdokument"
    folder.mkdir()
    (folder / "riktlinjer-informationssakerhet.docx").write_bytes(
        make_docx(
            "Riktlinjer för informationssäkerhet",
            meta=[
                "Antagen av kommunfullmäktige 2019-04-23, § 45",
                "Dokumentansvarig: Säkerhetssamordnaren",
                "Ersätter Riktlinjer för IT-säkerhet (KF 2012-03-05 § 12)",
            ],
            sections=[("1. Syfte", ["Riktlinjerna anger ramarna för hur medarbetare hanterar information."])],
            numbered=["Information klassas innan den delas."],
            header="VALLENTUNA KOMMUN",
            footer="SID 1/1",
        )
    )
    (folder / "Riktlinjer för IT-säkerhet.docx").write_bytes(
        make_docx(
            "Riktlinjer för IT-säkerhet",
            meta=["Antagen av kommunfullmäktige 2012-03-05, § 12"],
            sections=[("Syfte", ["Ramarna för datorer och nätverk."])],
        )
    )
    (folder / "skannad.pdf").write_bytes(make_pdf([[], []]))
    (folder / "program.exe.pdf").write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    (folder / "klimat.pdf").write_bytes(
        make_pdf(
            [
                [
                    Text("Handlingsplan för klimat", y=760, size=18, bold=True),
                    Text("Beslutad av kommunstyrelsen 12 mars 2021, § 30", y=730),
                    Text("Mål", y=700, size=14, bold=True),
                    Text("Utsläppen ska halveras till 2030.", y=680),
                ]
            ]
        )
    )
    (folder / "förteckning.xlsx").write_bytes(_register_xlsx())
    return folder


def _documents(url):
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        rows = {
            d.title: (d.status, d.type_key, d.adopted_by.key if d.adopted_by else None, d.version)
            for d in session.scalars(select(Document))
        }
        relations = session.scalar(select(func.count()).select_from(Relation))
        events = session.scalar(select(func.count()).select_from(AuditEvent))
    engine.dispose()
    return rows, relations, events


def test_folder_with_register_comes_in_once_with_a_summary(run, tmp_path):
    folder = _folder(tmp_path)
    assert run("init").exit_code == 0
    dry = run("import", str(folder), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Provkörning, inget sparades." in dry.output
    assert _documents(run.url)[0] == {}
    first = run("import", str(folder))
    assert first.exit_code == 0, first.output
    assert dry.stdout.replace("Provkörning, inget sparades.\n", "") == first.stdout
    documents, relations, events = _documents(run.url)
    assert documents == {
        "Riktlinjer för informationssäkerhet": ("gällande", "riktlinje", "KF", 1),
        "Policy för bemötande": ("gällande", "policy", "KF", 1),
        "Riktlinjer för IT-säkerhet": ("utkast", "riktlinje", "KF", 1),  # from its text only: a draft
        "Handlingsplan för klimat": ("utkast", "handlingsplan", "KS", 1),
    }
    assert relations == 1
    out = first.stdout
    assert "Import: 4 dokument nya" in out and "3 hoppades över" in out
    assert "förteckning.xlsx rad 7: ”31/2 2019” i kolumnen för beslutsdatum är inget datum." in out
    assert "skannad.pdf innehåller ingen text (skannad bild utan textlager?)" in out
    assert "program.exe.pdf är ett program eller en annan binärfil" in out
    assert "Riktlinjer för informationssäkerhet ersätter Riktlinjer för IT-säkerhet" in out
    assert "paragraf 30 (”Beslutad av kommunstyrelsen 12 mars 2021, § 30”)" in out
    assert "Regelkontroll:" in out
    again = run("import", str(folder))
    assert again.exit_code == 0
    assert "Import: 0 dokument nya, ärenden: 0, 4 fanns redan" in again.stdout
    assert _documents(run.url) == (documents, relations, events)


def test_import_refuses_unknown_column_in_one_line_and_changes_nothing(run, tmp_path):
    folder = _folder(tmp_path)
    run("init")
    before = _documents(run.url)
    result = run("import", str(folder), "--kolumn", "Saknas=titel")
    assert result.exit_code == 2
    assert "styrdok: fel: Kolumnen ”Saknas” finns inte i förteckning.xlsx" in result.output
    assert _documents(run.url) == before


def test_seed_file_on_the_command_line(run):
    run("init")
    result = run("import", str(SEED))
    assert result.exit_code == 0, result.output
    assert "KS 2025.032 (nytt)" in result.stdout and "beslut KS AU § 52, KS § 61" in result.stdout
    assert "handlingar tjänsteskrivelse, motion" in result.stdout


# --- hostile files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (
            "lol.docx",
            make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": BILLION_LAUGHS}),
            "XML-entiteter",
        ),
        (
            "lol.xlsx",
            make_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": BILLION_LAUGHS}),
            "XML-entiteter",
        ),
        ("not-office.docx", make_zip({"hello.txt": b"hej"}), "inte ett Word-dokument"),
        ("bomb.docx", make_zip({"word/document.xml": b"0" * (101 * 1024 * 1024)}), "zip-bomb"),
        ("program.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "program eller en annan binärfil"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nendobj\ntrailer <<>>\n%%EOF", "kunde inte läsas"),
    ],
    ids=lambda value: value if isinstance(value, str) else "data",
)
def test_hostile_office_and_pdf_files_are_refused_in_swedish(name, data, reason):
    with pytest.raises(UnreadableInput, match=reason):
        extract_file(data, name)


def test_one_child_reads_many_files_and_survives_a_bad_one():
    good = make_docx("Plan för parker", sections=[("Mål", ["Fler parkbänkar."])])
    with Extractor() as extractor:
        assert "Fler parkbänkar." in layout_of(extractor.extract(good, "a.docx")).text
        with pytest.raises(UnreadableInput):
            extractor.extract(b"%PDF-1.4 trasig", "b.pdf")
        assert "Fler parkbänkar." in layout_of(extractor.extract(good, "c.docx")).text


def test_a_different_file_under_a_title_already_in_the_register_is_reported_not_merged(run, tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "plan.docx").write_bytes(make_docx("Handlingsplan för parker", sections=[("Mål", ["Fler bänkar."])]))
    run("init")
    assert "1 dokument nya" in run("import", str(folder)).stdout
    (folder / "plan.docx").write_bytes(make_docx("Handlingsplan för parker", sections=[("Mål", ["Färre bänkar."])]))
    result = run("import", str(folder))
    assert "0 dokument nya" in result.stdout and "1 hoppades över" in result.stdout
    assert "”Handlingsplan för parker” finns redan i registret med en annan text; inget ändrades." in result.stdout


def test_the_shipped_seed_case_file_is_the_seed():
    original = shared_file("seed", "000_134f2a811ff37da0.txt")
    if not original.exists():
        pytest.skip("shared/seed finns inte bredvid den här klonen")
    assert SEED.read_bytes() == original.read_bytes()


def test_list_first_then_files_fills_in_the_text_and_keeps_the_original(run, tmp_path):
    run("init")
    listing = tmp_path / "lista.csv"
    listing.write_text(
        "Dokumentnamn;Typ;Beslutad av;Beslutsdatum;§\nHandlingsplan för parker;Handlingsplan;KF;2021-03-01;12\n",
        encoding="utf-8",
    )
    assert "1 dokument nya" in run("import", str(listing)).stdout
    folder = tmp_path / "filer"
    folder.mkdir()
    (folder / "Handlingsplan för parker.docx").write_bytes(
        make_docx("Handlingsplan för parker", sections=[("Mål", ["Fler bänkar i parkerna."])])
    )
    second = run("import", str(folder), "--register", str(listing))
    assert "1 fick sin text ur filen" in second.stdout, second.stdout
    third = run("import", str(folder), "--register", str(listing))
    assert "0 dokument nya" in third.stdout and "1 fanns redan" in third.stdout and "fick sin text" not in third.stdout
    engine = make_engine(run.url)
    with make_session_factory(engine)() as session:
        document = session.scalar(select(Document))
        assert [s.heading for s in document.sections] == ["Mål"] and document.version == 2
        from registry.services.files import files_of

        [original] = files_of(session, document.id)
        assert original.filename == "Handlingsplan för parker.docx" and original.size > 0
    engine.dispose()
    stored = list((tmp_path / "instance" / "files").rglob("*"))
    assert any(p.is_file() and p.name == original.sha256 for p in stored)
