"""The auditors' reports on small registers where the right answer is known."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from registry.models import Document
from registry.reports import build_report, csv_lines, mandate_start, review_due, write_xlsx
from registry.services import link_documents, register_case
from registry.services.settings import RULESET_KEY, set_setting

SCHOOL = (
    "Skolskjuts beviljas elever i grundskolan när färdvägen är lång. Hållplatser placeras nära "
    "bostaden och färdtiden ska vara rimlig. Elever med funktionsnedsättning får anpassad skolskjuts."
)


def test_near_copies_are_one_cluster_and_explained_pairs_are_left_out(db_session, make_document, rulesets):
    a = make_document(title="Riktlinjer för skolskjuts", full_text=SCHOOL)
    b = make_document(title="Regler för skolskjuts", type="regler", full_text=SCHOOL + " Gäller från hösten.")
    c = make_document(title="Policy för skolskjuts", type="policy", full_text=SCHOOL)
    make_document(title="Taxa för bygglov", type="taxa", full_text="Avgift för bygglov och detaljplan i kronor.")
    link_documents(db_session, {"source": a.id, "target": c.id, "kind": "konkretiserar"}, actor="t")
    report = build_report(db_session, "overlaps", rulesets["vallentuna"])
    pairs = {frozenset((r["first_id"], r["second_id"])) for r in report.rows}
    assert frozenset((a.id, b.id)) in pairs and frozenset((b.id, c.id)) in pairs
    assert frozenset((a.id, c.id)) not in pairs  # the riktlinje concretises the policy: related, not overlapping
    assert not any("bygglov" in r["first"] + r["second"] for r in report.rows)
    row = next(r for r in report.rows if {r["first_id"], r["second_id"]} == {a.id, b.id})
    assert row["kind"] == "nära kopia" and "skolskjuts" in row["shared_terms"]
    assert len(report.groups) == 1 and len(report.groups[0]["documents"]) == 3


def test_violations_list_documents_and_motions(db_session, bodies, make_document, rulesets, tmp_path):
    from registry.config import load_settings
    from registry.services import register_document
    from registry.services.findings import assessment_hook

    set_setting(db_session, RULESET_KEY, "vallentuna", actor="t")
    register_document(
        db_session,
        {
            "title": "Policy för representation",
            "type": "policy",
            "adopted_by": "KLK",
            "owner": "Kansliet",
            "full_text": "Policyn anger förhållningssätt och värderingar.",
        },
        actor="t",
        after_change=assessment_hook(load_settings({"STYRDOK_INSTANCE_DIR": str(tmp_path)})),
    )
    register_case(
        db_session,
        {
            "dnr": "KS 2025.032",
            "kind": "motion",
            "title": "Motion om AI-strategi",
            "text": "Motion om en strategi\n\nEn strategi behöver innehålla riktlinjer för\n• Hur ska AI användas?\n"
            "• Inom vilka områden är AI olämpligt?\n\nVi föreslår att kommunen tar fram en strategi.",
        },
        actor="t",
    )
    report = build_report(db_session, "violations", rulesets["vallentuna"])
    rules = {(r["rule"], r["document"][:24]) for r in report.rows}
    assert ("organ_not_allowed", "Policy för representatio") in rules
    assert any(
        r["rule"] == "type_contains_other_type" and r["document"].startswith("Ärende KS 2025.032") for r in report.rows
    )
    by_owner = next(g["counts"] for g in report.groups if g["by"] == "owner")
    assert by_owner["Kansliet"] >= 1


@pytest.mark.parametrize(
    "day, level, start",
    [
        (dt.date(2023, 3, 1), "fullmäktige", dt.date(2022, 10, 15)),
        (dt.date(2022, 10, 14), "fullmäktige", dt.date(2018, 10, 15)),
        (dt.date(2022, 11, 1), "styrelse", dt.date(2019, 1, 1)),
        (dt.date(2023, 1, 1), "nämnd", dt.date(2023, 1, 1)),
        (dt.date(2026, 12, 31), "styrelse", dt.date(2023, 1, 1)),
    ],
)
def test_mandate_periods(day, level, start):
    assert mandate_start(day, level) == start


def _document(**values) -> Document:
    from registry.models import Body, Decision

    body = Body(key=values.pop("organ", "KF"), name="x", level=values.pop("level", "fullmäktige"))
    adopted = values.pop("adopted", None)
    document = Document(id="x", title="T", status="gällande", scope="k", **values)
    document.adopted_by = body
    if adopted:
        document.decision = Decision(body=body, meeting_date=adopted, paragraph="1", outcome="antagen")
    return document


@pytest.mark.parametrize(
    "values, due",
    [
        ({"type_key": "policy", "adopted": dt.date(2023, 3, 1)}, dt.date(2027, 10, 14)),
        (
            {"type_key": "riktlinje", "adopted": dt.date(2022, 11, 1), "organ": "KS", "level": "styrelse"},
            dt.date(2023, 12, 31),
        ),
        ({"type_key": "taxa", "adopted": dt.date(2025, 1, 10)}, dt.date(2026, 1, 10)),
        ({"type_key": "policy", "next_review_on": dt.date(2024, 5, 1)}, dt.date(2024, 5, 1)),
    ],
)
def test_review_due_dates(rulesets, values, due):
    assert review_due(_document(**values), rulesets["vallentuna"])[0] == due


def test_reviews_report_lists_overdue_and_soon(db_session, make_document, rulesets):
    today = dt.date.today()
    make_document(title="Försenad policy", type="policy", next_review_on=(today - dt.timedelta(days=10)).isoformat())
    make_document(title="Snart", type="policy", next_review_on=(today + dt.timedelta(days=30)).isoformat())
    make_document(title="Långt bort", type="policy", next_review_on=(today + dt.timedelta(days=400)).isoformat())
    rows = build_report(db_session, "reviews", rulesets["vallentuna"]).rows
    states = {r["document"]: r["state"] for r in rows}
    assert states == {"Försenad policy": "försenad", "Snart": "inom 90 dagar"}


def test_hygiene_finds_what_needs_tidying(db_session, bodies, make_document, rulesets):
    old = make_document(title="Gammal policy", type="policy", owner="A")
    new = make_document(title="Ny policy", type="policy", owner="A")
    link_documents(db_session, {"source": new.id, "target": old.id, "kind": "ersätter"}, actor="t")
    orphan = make_document(title="Skolans strategi", type="strategi", adopted_by="BUN", owner="B")
    dead = make_document(title="Upphävd riktlinje", owner="C")
    from registry.services import repeal_document

    repeal_document(db_session, dead.id, actor="t", reason="r")
    linker = make_document(title="Rutin som hänvisar", type="rutin", owner="D")
    link_documents(db_session, {"source": linker.id, "target": dead.id, "kind": "hänvisar till"}, actor="t")
    make_document(title="Utan ägare", type="policy")
    problems = {(r["problem"], r["document"]) for r in build_report(db_session, "hygiene", rulesets["vallentuna"]).rows}
    assert ("ersatt men gällande", "Gammal policy") in problems
    assert ("saknar överordnat dokument", orphan.title) in problems
    assert ("relation till upphävt", "Rutin som hänvisar") in problems
    assert ("utan dokumentansvarig", "Utan ägare") in problems
    # in force with no recorded decision: said, not "nothing to do" (issue 15)
    assert ("utan registrerat beslut", "Ny policy") in problems
    decided = make_document(
        title="Beslutad policy",
        type="policy",
        owner="E",
        decision={"body": "KF", "meeting_date": "2024-02-05", "paragraph": "7"},
    )
    problems = {(r["problem"], r["document"]) for r in build_report(db_session, "hygiene", rulesets["vallentuna"]).rows}
    assert ("utan registrerat beslut", decided.title) not in problems


def test_exports_are_safe_in_a_spreadsheet(db_session, make_document, rulesets):
    make_document(
        title='=HYPERLINK("http://evil","klicka")',
        owner="@SUM(A1)",
        next_review_on=(dt.date.today() - dt.timedelta(days=1)).isoformat(),
    )
    report = build_report(db_session, "reviews", rulesets["vallentuna"])
    lines = list(csv_lines(report))
    assert any(cell.startswith("'=HYPERLINK") for cell in lines[1] if isinstance(cell, str))
    buffer = io.BytesIO()
    write_xlsx(report, buffer)
    sheet = zipfile.ZipFile(io.BytesIO(buffer.getvalue())).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


@pytest.mark.parametrize(
    "cell, safe",
    [
        ("Policy;=cmd|' /C calc'!A0", "Policy;'=cmd|' /C calc'!A0"),  # Swedish Excel splits on ";"
        ("Plan; @SUM(A1)", "Plan; '@SUM(A1)"),
        ("a\t+1", "a\t'+1"),
        ("=1+1", "'=1+1"),
        ("Riktlinjer för 2025-2027; fastställda", "Riktlinjer för 2025-2027; fastställda"),
        ("Strategi – del 2", "Strategi – del 2"),
    ],
)
def test_every_cell_is_guarded_as_a_swedish_spreadsheet_reads_it(cell, safe):
    """Issue 13, break 8: formula text after a semicolon was exported unprefixed."""
    from registry.reports import spreadsheet_safe

    assert spreadsheet_safe(cell) == safe


def test_the_register_csv_defuses_a_formula_after_a_semicolon(db_session, make_document):
    from registry.services.transfer import write_csv

    make_document(title="Policy;=cmd|' /C calc'!A0")
    out = io.StringIO()
    write_csv(db_session, out)
    assert "Policy;'=cmd" in out.getvalue() and ";=cmd" not in out.getvalue()


@pytest.mark.parametrize("exact_limit", [5000, 3])
def test_near_copies_are_found_exactly_and_through_minhash(monkeypatch, rulesets, exact_limit):
    from benchmarks.synthetic import generate
    from registry.rules.engine import type_lexicon
    from registry.similarity import overlaps

    monkeypatch.setattr(overlaps, "EXACT_LIMIT", exact_limit)
    generated = generate(300, seed=3, duplicate_share=0.05)
    pairs = overlaps.find_overlaps(generated.snapshots, type_lexicon(rulesets["vallentuna"]), threshold=0.5)
    found = {frozenset((p.first, p.second)) for p in pairs}
    planted = {frozenset(p) for p in generated.planted_pairs}
    assert planted and len(found & planted) >= 0.95 * len(planted)


def test_the_xlsx_opens_with_a_frozen_header_a_filter_and_readable_widths(db_session, make_document, rulesets):
    import openpyxl

    make_document(title="Riktlinjer med en mycket lång titel " * 3, next_review_on=dt.date.today().isoformat())
    report = build_report(db_session, "reviews", rulesets["vallentuna"])
    buffer = io.BytesIO()
    write_xlsx(report, buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    assert [cell.value for cell in sheet[1]] == [title for _, title in report.columns]
    from openpyxl.utils import get_column_letter

    widths = [sheet.column_dimensions[get_column_letter(i + 1)].width for i in range(len(report.columns))]
    assert all(8 <= w <= 62 for w in widths) and max(widths) > 40  # the long title gets room


def test_the_swedish_csv_reads_as_numbers_in_swedish_excel(db_session, make_document, rulesets):
    import csv

    from registry.reports import write_csv_report

    text = "Skolskjuts för elever med lång färdväg, hållplats och färdtid i grundskolan."
    make_document(title="Plan för skolskjuts", type="plan", full_text=text)
    make_document(title="Plan för skolskjuts 2026", type="plan", full_text=text + " Taxa och busskort för elever.")
    report = build_report(db_session, "overlaps", rulesets["vallentuna"])
    assert report.rows
    out = io.StringIO()
    write_csv_report(report, out, swedish=True)
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    score = rows[1][[title for _, title in report.columns].index("Likhet")]
    assert "," in score and float(score.replace(",", ".")) == pytest.approx(report.rows[0]["score"], abs=0.001)


@pytest.mark.parametrize("exact_limit", [5000, 3])
def test_the_report_from_stored_vectors_finds_what_the_texts_show(db_session, monkeypatch, rulesets, exact_limit):
    """The report reads the packed vectors each write stored; it must find the pairs, scores and
    shared words that analysing the same documents afresh finds."""
    from benchmarks.synthetic import generate
    from registry.rules.engine import type_lexicon
    from registry.services import register_document
    from registry.similarity import overlaps
    from registry.similarity.related import content_terms

    monkeypatch.setattr(overlaps, "EXACT_LIMIT", exact_limit)
    generated = generate(120, seed=5, duplicate_share=0.1)
    for snapshot in generated.snapshots:
        sections = [{"anchor": s.anchor, "heading": s.heading, "text": s.text} for s in snapshot.sections]
        fields = {"id": snapshot.id, "title": snapshot.title, "type": snapshot.type, "status": "gällande"}
        register_document(db_session, {**fields, "summary": snapshot.summary, "sections": sections}, actor="test")
    db_session.flush()
    fresh = overlaps.find_overlaps(generated.snapshots, type_lexicon(rulesets["vallentuna"]), threshold=0.5)
    report = build_report(db_session, "overlaps", rulesets["vallentuna"], min_score=0.5)
    lexicon = type_lexicon(rulesets["vallentuna"])

    def stems(text: str) -> set[str]:
        return {stem for stem, _ in content_terms(text, lexicon)}

    stems_by_id = {
        s.id: stems(" ".join([s.title, s.summary, *(f"{part.heading} {part.text}" for part in s.sections)]))
        for s in generated.snapshots
    }
    expected = {frozenset((p.first, p.second)): p for p in fresh}
    found = {frozenset((row["first_id"], row["second_id"])): row for row in report.rows}
    assert expected and found.keys() == expected.keys()
    for pair, row in found.items():
        # A write analyses the title with the text, the fresh analysis the text: a hair apart.
        assert row["score"] == pytest.approx(expected[pair].score, abs=0.01)
        # Equal weights tie in another order, so: every word shown is a stem both documents hold.
        shown = [stems(term) for term in row["shared_terms"].split(", ")]
        assert shown and all(stem <= stems_by_id[document_id] for stem in shown for document_id in pair)
