"""Metadata written in a document's own text, offered as suggestions with the words they came from.

Nothing here is trusted silently: every suggestion carries the line it was read from, and the
import shows it to the registrator (or, in a batch, lists it and keeps the document a draft
unless the kommun's own register row says otherwise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from registry.identifiers import DNR_PATTERN
from registry.ingest.dates import DATE_IN_TEXT, parse_date
from registry.ingest.layout import Layout
from registry.ingest.organs import ORGAN_IN_TEXT
from registry.rules.engine import Lexicon
from registry.text.fields import FIELD_LABELS as ALL_FIELD_LABELS

#: Swedish names of the fields a suggestion may fill, for messages and the review page.
FIELD_LABELS = ALL_FIELD_LABELS


@dataclass(frozen=True)
class Suggestion:
    field: str
    value: str
    evidence: str  # the words in the document it was read from

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


_DECIDED = re.compile(
    r"\b(?:antag(?:en|et|na|s)|beslutad|beslutat|beslutade|fastställ(?:d|t|da)|reviderad|reviderat)\s+"
    r"(?:av\s+)?" + ORGAN_IN_TEXT.pattern + r"[\s,]*(?:den\s+)?(?P<date>" + DATE_IN_TEXT.pattern + r")"
    r"(?:\s*,?\s*(?:§|paragraf)\s*(?P<par>\d{1,4}))?",
    re.IGNORECASE,
)
_DNR_LABELLED = re.compile(
    r"\b(?:dnr|diarienummer|diarienr|ärendenummer)\.?\s*:?\s*(?P<dnr>[A-ZÅÄÖa-zåäö]{0,8}(?:\s[A-ZÅÄÖ]{1,4})?[\s-]*(?:19|20)\d{2}\s*[./:-]\s*\d{1,7})",
    re.IGNORECASE,
)
_OWNER = re.compile(
    r"\b(?:dokumentansvarig|dokumentägare|ansvarig för dokumentet|ansvarig)\s*:\s*(?P<owner>[^\n;]{2,120})",
    re.IGNORECASE,
)
_VALID_UNTIL = re.compile(
    r"\b(?:giltig(?:t|a)?\s+(?:till|t\.o\.m\.|till och med)|gäller\s+(?:till och med|t\.o\.m\.|till))\s*:?\s*(?P<date>"
    + DATE_IN_TEXT.pattern
    + ")",
    re.IGNORECASE,
)
_VALID_FROM = re.compile(
    r"\b(?:giltig(?:t|a)?\s+från|gäller\s+från(?:\s+och\s+med)?|gäller\s+fr\.o\.m\.|träder i kraft)\s*:?\s*(?:den\s+)?(?P<date>"
    + DATE_IN_TEXT.pattern
    + ")",
    re.IGNORECASE,
)
_REVIEW = re.compile(
    r"\b(?:(?:ska\s+)?(?:revideras|ses över|aktualitetsprövas|följas upp)|"
    r"nästa\s+(?:översyn|revidering|aktualitetsprövning|uppföljning))\s*:?\s+(?:senast\s+)?(?:den\s+)?(?P<date>"
    + DATE_IN_TEXT.pattern
    + ")",
    re.IGNORECASE,
)
_SUPERSEDES = re.compile(
    r"\b(?:ersätter|detta dokument ersätter|dokumentet ersätter)\s*:?\s*(?P<what>[^\n]{4,200}?)(?:\.\s|\.$|$|\n)",
    re.IGNORECASE,
)


#: Where the next field begins on a line that holds several ("Dokumentansvarig: X. Nästa översyn:
#: 2025-02-06"): a stop, semicolon or bar, then a label of a few words and a colon.
_NEXT_LABEL = re.compile(r"(?:[.;|]\s+|\s{3,}|\t)(?=[A-ZÅÄÖ][\wåäö-]*(?:\s+[\wåäö-]+){0,3}\s*:)")


def _one_field(value: str) -> str:
    """A labelled value up to where the next label on its line begins."""
    return _NEXT_LABEL.split(value, maxsplit=1)[0]


def _line_of(text: str, start: int, _end: int) -> str:
    """The line a match begins on: what the registrator sees as the suggestion's source."""
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", start)
    return " ".join(text[left : right if right != -1 else len(text)].split())[:300]


def type_in_title(title: str, lexicon: Lexicon) -> str | None:
    """The type a title names, head-final as Swedish compounds are ("Digitaliseringsstrategi")."""
    for word in re.findall(r"[\wåäöÅÄÖ-]+", title.lower()):
        found = lexicon.type_of(word)
        if found:
            return found
    return None


def suggest_metadata(layout: Layout, lexicon: Lexicon) -> list[Suggestion]:
    """Suggestions read from the document's text; at most one per field, the first found."""
    text = "\n".join(layout.lines) or layout.text
    found: dict[str, Suggestion] = {}

    def offer(field: str, value: Any, evidence: str) -> None:
        if value and field not in found:
            found[field] = Suggestion(field, str(value), evidence)

    title = layout.title
    if title:
        offer("title", title, title)
        offer("type", type_in_title(title, lexicon), title)
    for match in _DECIDED.finditer(text):
        evidence = _line_of(text, match.start(), match.end())
        offer("adopted_by", " ".join(match["organ"].split()), evidence)
        offer("decision.meeting_date", parse_date(match["date"]), evidence)
        offer("decision.paragraph", match["par"], evidence)
        break
    for match in _DNR_LABELLED.finditer(text):
        if re.match(DNR_PATTERN, match["dnr"]):  # a near-miss is simply not suggested
            offer("decision.dnr", " ".join(match["dnr"].split()), _line_of(text, match.start(), match.end()))
            break
    for field, pattern in (("valid_until", _VALID_UNTIL), ("valid_from", _VALID_FROM), ("next_review_on", _REVIEW)):
        dated = pattern.search(text)
        if dated:
            offer(field, parse_date(dated["date"]), _line_of(text, dated.start(), dated.end()))
    owner = _OWNER.search(text)
    if owner:
        offer("owner", _one_field(owner["owner"]).strip(" .,"), _line_of(text, owner.start(), owner.end()))
    supersedes = _SUPERSEDES.search(text)
    if supersedes:
        offer("supersedes", supersedes["what"].strip(' .,”"'), _line_of(text, supersedes.start(), supersedes.end()))
    return list(found.values())
