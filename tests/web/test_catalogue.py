"""The English message catalogue is complete and compiled: every Swedish UI string in the code
and the templates (as ``pybabel extract`` finds it, with the project's keywords) has an English
translation with the same placeholders, and the compiled .mo the app loads says the same."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[2]
CATALOGUE = ROOT / "web" / "translations" / "en" / "LC_MESSAGES"
#: The same keywords as docs/architecture.md's extraction command: _() and gettext() at the edge,
#: N_() and Phrase() in registry/.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "N_": None, "Phrase": None}
METHODS = [
    ("web/**.py", "python"),
    ("registry/**.py", "python"),
    ("web/templates/**.html", "jinja2"),
    ("web/templates/**.svg", "jinja2"),
]
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _extracted() -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS):
        for part in message if isinstance(message, tuple) else (message,):
            if part:
                found.add(part)
    return found


def _pairs(catalogue) -> dict[str, str]:
    """Swedish -> English, a plural's forms each on their own."""
    pairs = {}
    for message in catalogue:
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        for swedish, english in zip(ids, strings):
            if swedish:
                pairs[swedish] = english
    return pairs


def _catalogue() -> dict[str, str]:
    with (CATALOGUE / "messages.po").open("rb") as file:
        return _pairs(read_po(file))


def test_every_swedish_ui_string_has_an_english_translation():
    catalogue = _catalogue()
    missing = sorted(s for s in _extracted() if not catalogue.get(s))
    assert missing == [], "Not translated (run the extraction in docs/architecture.md):\n" + "\n".join(missing)


def test_translations_keep_their_placeholders():
    wrong = [
        (swedish, english)
        for swedish, english in _catalogue().items()
        if english and sorted(PLACEHOLDER.findall(swedish)) != sorted(PLACEHOLDER.findall(english))
    ]
    assert wrong == []


def test_the_compiled_catalogue_is_the_current_one():
    with (CATALOGUE / "messages.mo").open("rb") as file:
        compiled = _pairs(read_mo(file))
    assert compiled == _catalogue(), "run: pybabel compile -d web/translations"
