"""`styrdok check` and `styrdok classify` as a politician or registrator would run them."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from click.testing import CliRunner

from registry.services.demo import demo_motion_text
from tests.support.paths import shared_file
from web.cli import cli


@pytest.fixture
def run(fresh_db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("STYRDOK_DATABASE_URL", fresh_db_url)
    monkeypatch.setenv("STYRDOK_INSTANCE_DIR", str(tmp_path / "instance"))
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def demo(run):
    assert run("init", "--demo").exit_code == 0
    return run


def _seed_case():
    path = shared_file("data", "cases.jsonl")
    if path.exists():
        return next(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if '"V01"' in line)
    return {
        "input_text": demo_motion_text(),
        "expected_related_titles_contain": [
            "Digitaliseringsstrategi",
            "informations- och cybersäkerhet",
            "AI-vägledning",
            "Checklista",
        ],
    }


def test_seed_motion_on_the_demo_register(demo):
    case = _seed_case()
    result = demo("check", "--ruleset", "vallentuna", "--format", "json", "-", input=case["input_text"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["requested_types"] == ["strategi"]
    assert data["verdict"] == "mismatch"
    assert data["best_fit"] == "riktlinje"
    clauses = " ".join(f["clause"]["text"] for f in data["findings"] if f["clause"])
    assert "Strategier anger långsiktiga avsikter" in clauses and "Riktlinjer ger övergripande vägledning" in clauses
    evidence = [e for f in data["findings"] for e in f["evidence"]]
    assert "Hur ska öppenhet och transparens garanteras?" in evidence
    titles = [d["title"] for d in data["related_documents"]]
    for fragment in case["expected_related_titles_contain"]:
        assert any(fragment.lower() in t.lower() for t in titles), (fragment, titles)
    assert not any("definitioner" in t for t in titles)
    strategy = next(d for d in data["related_documents"] if "Digitaliseringsstrategi" in d["title"])
    assert strategy["section"] == "Digital förnyelse" and "AI" in strategy["shared_terms"]


def test_register_ruleset_is_used_when_none_is_given(demo):
    data = json.loads(demo("check", "--format", "json", "-", input=demo_motion_text()).stdout)
    assert data["ruleset"]["key"] == "vallentuna"


def test_text_report_is_swedish_and_readable(demo):
    result = demo("check", "-", input=demo_motion_text())
    assert "Begärd typ:         strategi" in result.stdout
    assert "PASSAR INTE" in result.stdout
    assert "Dokument i registret som redan berör ämnet" in result.stdout


def test_markdown_is_a_draft_for_a_tjansteskrivelse(demo):
    result = demo("check", "--format", "markdown", "-", input=demo_motion_text())
    text = result.stdout
    assert text.startswith("## Om styrdokument")
    assert "> ”Strategier anger långsiktiga avsikter" in text and "> ”Riktlinjer ger övergripande vägledning" in text
    assert "Förslaget går inte i linje med definitionerna" in text
    assert "- Digitaliseringsstrategi för Vallentuna kommun (strategi, avsnittet ”Digital förnyelse”)" in text


def test_classify_against_a_stated_type(run):
    text = (
        "Policy för kommunens webbplats\n\nHär får du som medarbetare tips och råd om hur du skriver på webben. "
        "Tänk på att skriva kort och att ge exempel som läsaren känner igen. "
        "När du är osäker kan du få stöd av kommunikationsenheten. "
        "Du kan också läsa om klarspråk på intranätet."
    )
    data = json.loads(
        run("classify", "--ruleset", "standard", "--type", "policy", "--format", "json", "-", input=text).stdout
    )
    assert data["verdict"] == "mismatch" and data["best_fit"] == "vägledning"
    # The label set aside, the scores are the content's own: the best fit leads them.
    assert max(data["scores"], key=data["scores"].get) == "vägledning"


def test_check_works_without_a_register(run):
    result = run("check", "--ruleset", "vallentuna", "--format", "json", "-", input=demo_motion_text())
    assert result.exit_code == 0 and json.loads(result.stdout)["related_documents"] == []


def _docx_bytes(paragraphs):
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_check_reads_docx(run, tmp_path):
    path = tmp_path / "motion.docx"
    path.write_bytes(_docx_bytes(demo_motion_text().split("\n\n")))
    data = json.loads(run("check", "--ruleset", "vallentuna", "--format", "json", str(path)).stdout)
    assert data["requested_types"] == ["strategi"] and data["verdict"] == "mismatch"


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (150 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("tom.txt", b"", "är tom"),
        ("tom2.txt", b"   \n  ", "är tom"),
        ("trasig.pdf", b"%PDF-1.7\n1 0 obj <<>> trasigt", "PDF-filen"),
        ("program.pdf", b"MZ\x90\x00" + b"\x00" * 100, "binärfil"),
        ("inte.docx", b"PK\x03\x04garbage", "Word-filen"),
        ("bomb.docx", None, "packas upp till mer"),
    ],
)
def test_unreadable_input_exit_2_one_line(run, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(_zip_bomb() if content is None else content)
    result = run("check", "--ruleset", "vallentuna", str(path))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "--ruleset", "malmo", "-"], "regeluppsättningen ”malmo” finns inte"),
        (["classify", "--ruleset", "vallentuna", "--type", "strategiplan", "-"], "Okänd dokumenttyp ”strategiplan”"),
    ],
)
def test_unknown_ruleset_or_type(run, args, message):
    result = run(*args, input="Motion om en strategi\n\nKommunen bör ta fram en strategi.")
    assert result.exit_code == 2 and message in result.stderr


def test_rules_lint_and_show(run, tmp_path, monkeypatch):
    assert run("rules", "lint").exit_code == 0
    shown = run("rules", "show", "vallentuna").stdout
    assert "Strategi  [strategi]" in shown and "Vägledning (gemensam kärna)  [vägledning]" in shown
    broken = tmp_path / "rules"
    broken.mkdir()
    (broken / "trasig.toml").write_text('[ruleset]\nkey = "trasig"\n', encoding="utf-8")
    monkeypatch.setenv("STYRDOK_RULES_DIR", str(broken))
    result = run("rules", "lint")
    assert result.exit_code == 2 and "trasig.toml: ruleset.name: Fältet saknas." in result.stderr


def test_check_reads_pdf_with_swedish_characters(run, tmp_path):
    from benchmarks.pdfmaker import make_pdf

    path = tmp_path / "motion.pdf"
    path.write_bytes(
        make_pdf(
            [
                ["Motion om en ny handlingsplan för jämställdhet"],
                [
                    "Vi föreslår att kommunen tar fram en handlingsplan med konkreta åtgärder,",
                    "tidplan och vem som ansvarar för genomförandet.",
                ],
            ]
        )
    )
    data = json.loads(run("check", "--ruleset", "vallentuna", "--format", "json", str(path)).stdout)
    assert data["requested_types"] == ["handlingsplan"] and data["verdict"] == "fits"


def test_pdf_without_text_is_reported_not_guessed(run, tmp_path):
    from benchmarks.pdfmaker import make_pdf

    path = tmp_path / "skannad.pdf"
    path.write_bytes(make_pdf([[]]))
    result = run("check", str(path))
    assert result.exit_code == 2 and "ingen text" in result.stderr
