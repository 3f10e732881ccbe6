"""Saying registry's Swedish in the reader's language: words from its tables, Phrase sentences
with their values, and the municipality's own words (Decided) left as decided and marked."""

from __future__ import annotations

import csv
import io

import pytest

from registry.text.ui import Decided, Phrase
from tests.support.web import csrf_of, login
from web.i18n import t, t_html


@pytest.fixture
def english(app):
    with app.test_request_context("/"):
        from flask import session

        session["lang"] = "en"
        yield


def test_a_phrase_is_the_swedish_sentence_wherever_no_reader_is_asking(app):
    said = Phrase("%(who)s satte status ”%(status)s” på ”%(title)s”.", who="Ada", status=Phrase("gällande"), title="X")
    assert said == "Ada satte status ”gällande” på ”X”."
    assert t(said) == said  # outside a request: the CLI, the exports, the API
    with app.test_request_context("/"):
        assert t(said) == said  # a Swedish reader


def test_an_english_reader_gets_the_sentence_translated_and_decided_words_kept(english):
    said = Phrase(
        "%(who)s satte status ”%(status)s” på ”%(title)s”.",
        who=Decided("Åsa Öberg"),
        status=Phrase("gällande"),
        title=Decided("Riktlinjer för parkering"),
    )
    assert t(said) == "Åsa Öberg set the status ”in force” on ”Riktlinjer för parkering”."
    assert str(t_html(said)) == (
        '<span lang="sv">Åsa Öberg</span> set the status ”in force” on ”<span lang="sv">Riktlinjer för parkering</span>”.'
    )
    assert t(Decided("gällande")) == "gällande"  # the municipality's word is never translated
    assert t("gällande") == "in force"  # the same word from registry's vocabulary is


def test_values_are_escaped_in_a_page(english):
    assert "<script>" not in str(t_html(Phrase("Misslyckad inloggning som %(user)s.", user=Decided("<script>"))))


def test_a_report_downloaded_from_an_english_page_is_in_english(client):
    login(client, "revisor")
    client.post("/sprak", data={"lang": "en", "next": "/", "csrf_token": csrf_of(client)})
    english = client.get("/rapporter/hygiene?format=csv-ren").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(english)))
    assert rows[0] == ["Problem", "Documents", "Type", "Document owner", "Detail"]
    assert any(row[0] == "without a recorded decision" for row in rows[1:])
    client.post("/sprak", data={"lang": "sv", "next": "/", "csrf_token": csrf_of(client)})
    swedish = list(csv.reader(io.StringIO(client.get("/rapporter/hygiene?format=csv-ren").get_data(as_text=True))))
    assert swedish[0] == ["Problem", "Dokument", "Typ", "Dokumentansvarig", "Detalj"]
    assert any(row[0] == "utan registrerat beslut" for row in swedish[1:])


def test_a_phrase_holding_braces_in_a_value_survives_being_formatted():
    said = Phrase("”%(title)s” är registrerat.", title=Decided("Plan {2025}"))
    assert said.format(input="x") is said and said == "”Plan {2025}” är registrerat."
