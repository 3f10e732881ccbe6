"""The /prova text as written, with the evidence marked: table-driven cases of the highlighter."""

from __future__ import annotations

import pytest

from web.pages.highlight import Evidence, highlighted


def _render(blocks) -> str:
    """A compact picture of the blocks: [n:text] for marks, | between list items."""
    out = []
    for block in blocks:
        items = ["".join(f"[{p.finding}:{p.text}]" if p.finding else p.text for p in item) for item in block.items]
        out.append(f"{block.kind}({' | '.join(items)})")
    return " ".join(out)


@pytest.mark.parametrize(
    "text, evidence, expected",
    [
        ("Ett stycke.\n\nEtt till.", [], "p(Ett stycke.) p(Ett till.)"),
        (
            "Vi vill ha\nen strategi för AI.\n\nSlut.",
            [("Vi vill ha en strategi för AI.", 1)],  # the engine's quote has the line break flattened
            "p([1:Vi vill ha\nen strategi för AI.]) p(Slut.)",
        ),
        (
            "Frågor:\n• Hur ska AI användas?\n• Vem ansvarar?\nSlut.",
            [("Vem ansvarar?", 2)],
            "p(Frågor:) ul(Hur ska AI användas? | [2:Vem ansvarar?]) p(Slut.)",
        ),
        ("1. Första\n2) Andra", [], "ol(Första | Andra)"),  # numbered lines stay a numbered list
        ("- en punkt\n1. ett nummer", [], "ul(en punkt) ol(ett nummer)"),
        (
            "- en punkt som\n  fortsätter här\n- nästa",
            [],
            "ul(en punkt som   fortsätter här | nästa)",
        ),
        (
            "Samma mening. Samma mening.",
            [("Samma mening.", 1), ("Samma mening.", 2)],
            "p([1:Samma mening.] [2:Samma mening.])",
        ),
        ("Finns inte här.", [("Något annat.", 1)], "p(Finns inte här.)"),
        ("Rad\r\nnästa rad", [("Rad nästa rad", 3)], "p([3:Rad\nnästa rad])"),
    ],
)
def test_paragraphs_lists_and_marks(text, evidence, expected):
    marks = [Evidence(sentence, number, f"belagg-{number}-{i}") for i, (sentence, number) in enumerate(evidence)]
    assert _render(highlighted(text, marks)) == expected


def test_each_mark_is_anchored_once_even_across_paragraphs():
    blocks = highlighted("Början av\n\nslutet.", [Evidence("Början av slutet.", 1, "belagg-1-1")])
    pieces = [piece for block in blocks for item in block.items for piece in item]
    assert [p.anchor for p in pieces] == ["belagg-1-1", None]
    assert all(p.finding == 1 for p in pieces)


def test_a_numbered_list_goes_on_from_the_number_the_text_has():
    from web.pages.highlight import highlighted

    blocks = highlighted("Inledning.\n\n3. Tredje\n4. Fjärde", [])
    assert [(b.kind, b.start) for b in blocks] == [("p", 1), ("ol", 3)]


def test_the_page_keeps_a_numbered_lists_first_number(client):
    from tests.support.web import csrf_of

    text = "Vi yrkar att\n\n3. kommunen tar fram en strategi\n4. strategin följs upp"
    html = client.post("/prova", data={"text": text, "csrf_token": csrf_of(client)}).get_data(as_text=True)
    assert '<ol lang="sv" start="3">' in html
