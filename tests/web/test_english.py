"""The English pages: every page a visitor or a member of staff can open, rendered in English,
holds no Swedish UI text. What the municipality decided (titles, definitions, organ names, quoted
text) stays Swedish and must then be marked lang="sv", so it is skipped here and checked for that
mark instead."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from benchmarks.docmaker import make_docx
from registry.services.demo import demo_motion_text
from tests.support.paths import SEED_CASE_FILE
from tests.support.web import csrf_of, login

DOC = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d01"
REPEALED_LATER = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d03"
SUPERSEDED_LATER = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d04"

#: Words that only Swedish has (none of them is an English word), and its three letters.
SWEDISH_WORDS = {
    "och",
    "att",
    "är",
    "för",
    "som",
    "inte",
    "med",
    "av",
    "till",
    "det",
    "ett",
    "eller",
    "finns",
    "saknas",
    "alla",
    "inga",
    "ingen",
    "inget",
    "nästa",
    "sida",
    "visa",
    "dokumentet",
    "beslut",
    "enligt",
    "från",
    "vid",
    "sök",
    "välj",
    "spara",
    "ändra",
    "avvikelser",
    "registret",
    "typ",
    "ämne",
    "gällande",
    "upphävd",
    "ersatt",
    "utkast",
    "fel",
    "varning",
    "upplysning",
    "dokument",
    "sidor",
    "kommunen",
    "här",
    "nej",
    "ja",
    "mot",
    "efter",
    "om",
    "ny",
    "nytt",
}
SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")
WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]+")
ATTRIBUTES = ("aria-label", "alt", "title", "placeholder", "data-label")


class UiText(HTMLParser):
    """Text and labelling attributes outside elements marked lang="sv" or translate="no" (and
    outside code)."""

    SKIP = {"script", "style", "code", "pre", "textarea", "title"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.pieces: list[str] = []

    def _hidden(self) -> bool:
        return any(skipped for _, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        # lang="sv": the municipality's own words; translate="no": names and identifiers
        skipped = values.get("lang") == "sv" or values.get("translate") == "no" or tag in self.SKIP
        if not skipped and not self._hidden():
            self.pieces += [f"@{name}: {values[name]}" for name in ATTRIBUTES if values.get(name)]
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.pieces.append(f"@value: {values['value']}")
        if tag not in self.VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if data.strip() and not self._hidden():
            self.pieces.append(data.strip())


def _catalogue_patterns() -> list[re.Pattern]:
    """Each Swedish UI string the English catalogue translates, as a pattern over its values."""
    from babel.messages.pofile import read_po

    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    patterns = []
    for message in catalogue:
        for swedish, english in zip(
            message.id if isinstance(message.id, tuple) else (message.id,),
            message.string if isinstance(message.string, tuple) else (message.string,),
        ):
            if swedish and english and swedish != english and WORD.search(swedish):
                parts = re.split(r"%\(\w+\)s", swedish.replace("%%", "%"))
                patterns.append(re.compile(".+?".join(re.escape(part) for part in parts)))
    return patterns


CATALOGUE = Path(__file__).parents[2] / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PATTERNS = _catalogue_patterns()


def swedish_in(html: str) -> list[str]:
    """Text left in Swedish: a text piece with a Swedish letter or word, or any piece (also the
    labelling attributes, which cannot carry lang="sv") that is one of the catalogue's Swedish
    strings."""
    parser = UiText()
    parser.feed(html)
    found = []
    for piece in parser.pieces:
        value = piece.split(": ", 1)[1] if piece.startswith("@") else piece
        if any(pattern.fullmatch(value) for pattern in PATTERNS):
            found.append(piece)
        elif not piece.startswith("@"):
            words = {w.lower() for w in WORD.findall(piece)}
            if SWEDISH_LETTERS.search(piece) or words & SWEDISH_WORDS:
                found.append(piece)
    return found


def _in_english(client):
    client.post("/sprak", data={"lang": "en", "next": "/", "csrf_token": csrf_of(client)})


def _stable(client) -> str:
    html = client.get(f"/dokument/{DOC}").get_data(as_text=True)
    return re.search(r'<link rel="canonical" href="https?://[^/]+([^"]+)"', html).group(1)


PUBLIC = {
    "register": lambda c: c.get("/"),
    "register-empty": lambda c: c.get("/?q=finns-inte-alls"),
    "search-by-dnr": lambda c: c.get("/?q=ks+2025/32"),
    "document": lambda c: c.get(f"/dokument/{DOC}"),
    "compare": lambda c: c.get(f"/dokument/{DOC}/jamfor"),
    "cases": lambda c: c.get("/arenden"),
    "cases-empty": lambda c: c.get("/arenden?organ=KF"),
    "case": lambda c: c.get("/arenden/KS 2025.032"),
    "prova-empty": lambda c: c.get("/prova"),
    "prova-result": lambda c: c.post("/prova", data={"text": demo_motion_text(), "csrf_token": csrf_of(c)}),
    "prova-error": lambda c: c.post("/prova", data={"text": "", "csrf_token": csrf_of(c)}),
    "rules": lambda c: c.get("/regler"),
    "accessibility": lambda c: c.get("/om/tillganglighet"),
    "about-register": lambda c: c.get("/om/registret"),
    "login": lambda c: c.get("/logga-in"),
    "login-error": lambda c: c.post(
        "/logga-in", data={"username": "ingen", "password": "fel", "csrf_token": csrf_of(c)}
    ),
    "api-docs": lambda c: c.get("/api/docs"),
    "not-found": lambda c: c.get("/finns-inte"),
    "kfs-root": lambda c: c.get("/kfs"),
    "kfs-collection": lambda c: c.get("/kfs/vallentuna?visa=alla"),
    "kfs-document": lambda c: c.get(_stable(c)),
    "kfs-version": lambda c: c.get(_stable(c) + "/version/1"),
    "kfs-gone-date": lambda c: c.get(_stable(c) + "/gallande/1990-01-01"),
    "organ": lambda c: c.get("/organ/KS"),
}


def _upload(client, name: str, data: bytes):
    response = client.post(
        "/importera",
        data={"filer": [(io.BytesIO(data), name)], "csrf_token": csrf_of(client)},
        content_type="multipart/form-data",
    )
    return client.get(response.headers["Location"]) if response.status_code == 302 else response


STAFF = {
    "form-empty": lambda c: c.get("/dokument/ny"),
    "form-error": lambda c: c.post(
        "/dokument/ny", data={"type": "strategi", "csrf_token": csrf_of(c), "action": "spara"}
    ),
    "edit": lambda c: c.get(f"/dokument/{DOC}/redigera"),
    "repeal-form": lambda c: c.get(f"/dokument/{REPEALED_LATER}/upphav"),
    "supersede-form": lambda c: c.get(f"/dokument/{SUPERSEDED_LATER}/ersatt"),
    "cull-not-ended": lambda c: c.get(f"/dokument/{DOC}/gallra"),
    "audit-trail": lambda c: c.get("/granskning"),
    "users": lambda c: c.get("/admin/anvandare"),
    "api-keys": lambda c: c.get("/admin/nycklar"),
    "reports": lambda c: c.get("/rapporter"),
    "report-overlaps": lambda c: c.get("/rapporter/overlaps"),
    "report-violations": lambda c: c.get("/rapporter/violations"),
    "report-reviews": lambda c: c.get("/rapporter/reviews"),
    "report-hygiene": lambda c: c.get("/rapporter/hygiene"),
    "import-empty": lambda c: c.get("/importera"),
    "import-review-document": lambda c: _upload(
        c,
        "parkering.docx",
        make_docx(
            "Riktlinjer för parkering",
            meta=["Antagen av kommunstyrelsen 2021-03-12, § 30"],
            sections=[("Syfte", ["Riktlinjerna anger ramarna för parkering."])],
        ),
    ),
    "import-review-case": lambda c: _upload(c, "protokoll.txt", SEED_CASE_FILE.read_bytes()),
}


def _check(client, visit) -> None:
    _in_english(client)
    response = visit(client)
    while response.status_code in (301, 302, 303):
        response = client.get(response.headers["Location"])
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html, html[:300]
    found = swedish_in(html)
    assert found == [], "Swedish UI text in the English page:\n" + "\n".join(found)


@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_pages_in_english_hold_no_swedish_ui_text(client, name):
    _check(client, PUBLIC[name])


@pytest.mark.parametrize("name", list(STAFF))
def test_staff_pages_in_english_hold_no_swedish_ui_text(client, name):
    login(client, "admin")
    _check(client, STAFF[name])


def test_the_detector_finds_swedish_ui_text_and_skips_decided_content():
    page = '<p>Sök</p><p lang="sv">Riktlinjer för parkering</p><p>Search <span lang="sv">Policy för IT</span></p>'
    assert swedish_in(page) == ["Sök"]
    # an attribute cannot be marked lang="sv": it is checked against the catalogue only
    assert swedish_in('<a aria-label="Länk till avsnittet Syfte">#</a>') == ["@aria-label: Länk till avsnittet Syfte"]
    assert swedish_in('<a aria-label="Link to the section Syfte för IT">#</a>') == []


def test_the_swedish_pages_stay_swedish(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="sv">' in html and "Styrdokument" in html and "Filtrera" in html


@pytest.mark.parametrize(
    "language, expected",
    [("sv", "Högst 300 tecken; här är det 400."), ("en", "At most 300 characters; this is 400.")],
)
def test_an_over_long_title_is_refused_in_the_readers_language(client, language, expected):
    """marshmallow's own message ("Longer than maximum length 300.") never reaches a person."""
    login(client, "registrator")
    client.post("/sprak", data={"lang": language, "next": "/", "csrf_token": csrf_of(client)})
    response = client.post(
        "/dokument/ny", data={"title": "x" * 400, "type": "strategi", "action": "spara", "csrf_token": csrf_of(client)}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and expected in html and "Longer than" not in html
    client.post("/sprak", data={"lang": "sv", "next": "/", "csrf_token": csrf_of(client)})
