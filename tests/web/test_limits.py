"""One limit on analysed text for every path (issue 13, break 1): a long upload cannot hold a worker.

Before the fix an uploaded text file was analysed whole in the web process, however long; now the
page, the API and the CLI refuse a request over the limit with a Swedish message, and a document
over it is analysed on its first part only.
"""

from __future__ import annotations

import io
import json

from click.testing import CliRunner

from registry.limits import MAX_ANALYSED_CHARS
from registry.rules.engine import classify
from registry.services.demo import demo_motion_text
from tests.support.web import csrf_of
from web.cli import cli

LONG = ("Kommunen ska ta fram riktlinjer för hur AI ska användas. " * (MAX_ANALYSED_CHARS // 50))[
    : MAX_ANALYSED_CHARS + 500
]


def test_a_long_uploaded_text_file_is_refused_on_prova_without_being_analysed(client, monkeypatch):
    import registry.ingest.layout

    def _no_layout(*_args, **_kwargs):
        raise AssertionError("the layout of a text too long to assess was worked out")

    # Working out the layout of 19 MB took a second per request: an anonymous flood of such
    # uploads held every worker (benchmarks/attacks.py). The length is checked first.
    monkeypatch.setattr(registry.ingest.layout, "layout_of", _no_layout)
    token = csrf_of(client)
    response = client.post(
        "/prova",
        data={"file": (io.BytesIO(LONG.encode("utf-8")), "lang.txt"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Texten i lang.txt är för lång" in html and "200 000" in html
    assert 'id="result"' not in html


def test_a_long_pasted_text_is_refused_on_prova(client):
    response = client.post("/prova", data={"text": LONG, "csrf_token": csrf_of(client)})
    assert response.status_code == 422 and "är för lång" in response.get_data(as_text=True)


def test_the_api_refuses_a_long_text_in_its_envelope(client):
    response = client.post("/api/v1/checks", json={"text": LONG})
    assert response.status_code == 422
    assert "200 000" in json.dumps(response.json, ensure_ascii=False)


def test_the_cli_refuses_a_long_file_with_a_one_line_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("STYRDOK_INSTANCE_DIR", str(tmp_path / "instance"))
    path = tmp_path / "lang.txt"
    path.write_text(LONG, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--ruleset", "vallentuna", str(path)])
    assert result.exit_code == 2
    assert "för lång" in result.output


def test_a_long_document_is_analysed_on_its_first_part_only(rulesets):
    filler = "Nämnden ansvarar för verksamheten inom sitt område. " * (MAX_ANALYSED_CHARS // 50 + 10)
    tail = "Det är förbjudet att parkera på torget."
    result = classify("Reglemente för nämnden\n\n" + filler + "\n\n" + tail, rulesets["standard"])
    assert all(tail not in e for f in result.findings for e in f.evidence)
    assert all(len(u.text) < MAX_ANALYSED_CHARS for u in result.units)
    assert sum(len(u.text) for u in result.units) <= MAX_ANALYSED_CHARS
    # a request of ordinary length is still assessed
    assert classify(demo_motion_text(), rulesets["vallentuna"]).verdict in ("fits", "mismatch", "unclear")


def test_the_message_writes_the_numbers_the_swedish_way_and_keeps_the_file_name():
    from registry.limits import too_long_message

    message = too_long_message(250_000, "Texten i protokoll, bilaga 2.txt")
    assert message.startswith("Texten i protokoll, bilaga 2.txt är för lång (250 000 tecken); högst 200 000")
