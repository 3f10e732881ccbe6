"""Dates as Swedish documents and spreadsheets write them."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "mars": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "maj": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augusti": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))

#: The forms we accept, most specific first. Each names its groups y, m, d.
_FORMS = [
    re.compile(r"(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"(?P<d>\d{1,2})[-./](?P<m>\d{1,2})[-./](?P<y>(?:19|20)\d{2})"),
    re.compile(r"(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s+(?P<y>(?:19|20)\d{2})"),
    re.compile(rf"(?:den\s+)?(?P<d>\d{{1,2}})\s+(?P<mname>{_MONTH_NAMES})\.?\s+(?P<y>(?:19|20)\d{{2}})", re.IGNORECASE),
    re.compile(r"(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})"),
]

DATE_IN_TEXT = re.compile(
    rf"(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}|\d{{1,2}}\s+(?:{_MONTH_NAMES})\s+(?:19|20)\d{{2}}", re.IGNORECASE
)


def _build(match: re.Match[str]) -> dt.date | None:
    groups = match.groupdict()
    month = MONTHS[groups["mname"].lower()] if groups.get("mname") else int(groups["m"])
    try:
        return dt.date(int(groups["y"]), month, int(groups["d"]))
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """The date in a cell or phrase: "2019-04-23", "23/4 2019", "23.04.2019", "23 april 2019",
    "20190423", an Excel serial number (43578). None when it is not a date."""
    cleaned = " ".join(str(text or "").split()).strip()
    if not cleaned:
        return None
    if re.fullmatch(r"\d{5}(?:\.0)?", cleaned):  # Excel's day count from 1899-12-30
        serial = int(float(cleaned))
        if 20000 < serial < 80000:
            return dt.date(1899, 12, 30) + dt.timedelta(days=serial)
        return None
    for form in _FORMS:
        match = form.fullmatch(cleaned)
        if match:
            return _build(match)
    return None


def find_date(text: str) -> dt.date | None:
    """The first date written anywhere in ``text``."""
    for form in _FORMS[:4]:
        match = form.search(text)
        if match:
            found = _build(match)
            if found:
                return found
    return None
