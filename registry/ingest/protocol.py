"""Split a file of case papers (protocol paragraphs, a tjänsteskrivelse, a motion) into a case.

Municipal case files are exported as one text: the protocol extracts of each meeting that
handled the ärende ("§ 61", "§ 52"), the tjänsteskrivelse and the motion or medborgarförslag
itself, each with its own page headers. The seed case (KS 2025.032) is the model.

``read_case_file`` returns the case as CaseSchema input with one entry per part found, plus
the organ it names, so the caller can register it like any imported case.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from registry.ingest.dates import find_date, parse_date
from registry.ingest.layout import HEADING, LIST_ITEM, blocks_from_text, letterhead_lines, render_blocks
from registry.ingest.organs import OrganName, organ_from_name

_PARAGRAPH_START = re.compile(r"^§\s*(?P<n>\d{1,4}\s?[a-z]?)\s*(?P<rest>.*)$")
_ORGAN_DATE = re.compile(r"^(?P<organ>[A-ZÅÄÖ][\wåäöÅÄÖ\- ]{2,80}?)\s+(?P<date>\d{4}-\d{2}-\d{2})$")
_MEMO_START = re.compile(r"^tjänsteskrivelse$", re.IGNORECASE)
_REQUEST_START = re.compile(r"^(?P<kind>motion|medborgarförslag)\b.{10,}$", re.IGNORECASE)
_PLACE_DATE = re.compile(r"^[A-ZÅÄÖ][a-zåäö]+(?:\s[a-zåäö]+)?\s+(?P<date>\d{4}-\d{2}-\d{2})$")
_DNR_IN_PARENS = re.compile(r"\((?P<dnr>[^()]*?\d{4}\s*[./:-]\s*\d{1,7})\)")
_DNR_LINE = re.compile(r"^(?:dnr|diarienummer)\.?:?\s*(?P<dnr>.+)$", re.IGNORECASE)
_SIGNED = re.compile(r"^paragrafen är justerad$", re.IGNORECASE)

PARTIES = {
    "V": "Vänsterpartiet",
    "S": "Socialdemokraterna",
    "MP": "Miljöpartiet",
    "C": "Centerpartiet",
    "L": "Liberalerna",
    "KD": "Kristdemokraterna",
    "M": "Moderaterna",
    "SD": "Sverigedemokraterna",
}


@dataclass
class Part:
    kind: str  # "paragraf", "tjänsteskrivelse", "motion" or "medborgarförslag"
    lines: list[str]
    organ: str | None = None
    meeting_date: dt.date | None = None
    number: str | None = None


@dataclass
class CaseFile:
    """What a case file holds, as the import will register it."""

    case: dict[str, Any]
    organs: list[OrganName] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # one Swedish line per part found


def _clean(line: str) -> str:
    return " ".join(line.split())


def split_parts(text: str) -> list[Part]:
    """The parts of a case file in the order they stand; [] when it is not one."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cleaned = [_clean(line) for line in lines]
    starts: list[tuple[int, Part]] = []
    for index, line in enumerate(cleaned):
        paragraph = _PARAGRAPH_START.match(line)
        if paragraph:
            organ, date, begin = None, None, index
            for back in range(index - 1, max(index - 12, -1), -1):
                found = _ORGAN_DATE.match(cleaned[back])
                if found:
                    organ, date = found["organ"], parse_date(found["date"])
                    break
            starts.append((begin, Part("paragraf", [], organ, date, paragraph["n"].replace(" ", ""))))
        elif _MEMO_START.match(line):
            starts.append((index, Part("tjänsteskrivelse", [])))
        elif _REQUEST_START.match(line) and not any(s[1].kind in ("motion", "medborgarförslag") for s in starts):
            begin = index
            for back in range(index - 1, max(index - 4, -1), -1):
                if _PLACE_DATE.match(cleaned[back]):
                    begin = back
                    break
            kind = _REQUEST_START.match(line)["kind"].lower()  # type: ignore[index]
            starts.append((begin, Part(kind, [])))
    if not any(p.kind == "paragraf" for _, p in starts) and not any(p.kind == "tjänsteskrivelse" for _, p in starts):
        return []
    parts = []
    for position, (begin, part) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        part.lines = lines[begin:end]
        parts.append(part)
    return parts


def _title_after(lines: list[str], start: int) -> tuple[str, int]:
    """Title lines from ``start`` until a blank line or a heading; returns (title, next index)."""
    words: list[str] = []
    index = start
    while index < len(lines):
        line = _clean(lines[index])
        if not line or line in ("Beslut", "Förslag till beslut", "Sammanfattning av ärendet"):
            break
        words.append(line)
        index += 1
        if _DNR_IN_PARENS.search(line):
            break
    return " ".join(words), index


def _sections(lines: list[str]) -> dict[str, list[str]]:
    """Text under each heading of a part, paragraph by paragraph."""
    blocks, _ = blocks_from_text("\n".join(lines))
    sections: dict[str, list[str]] = {}
    current = ""
    for block in blocks:
        if block.kind == HEADING or (block.kind != LIST_ITEM and block.text in ("Beslutsunderlag", "Beslut")):
            current = block.text
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(block.text)
    return sections


def _outcome(wording: str) -> str:
    lowered = wording.lower()
    if "föreslår" in lowered:
        return "förslag till beslut"
    for word, outcome in (
        ("återremitter", "återremiss"),
        ("bordlägg", "bordlagd"),
        ("besvarad", "besvarad"),
        ("avslår", "avslag"),
        ("bifaller", "bifall"),
        ("antar", "antagen"),
        ("upphäver", "upphävd"),
    ):
        if word in lowered:
            return outcome
    return "övrigt"


def _text_without_headers(lines: list[str]) -> str:
    drop = letterhead_lines(lines)
    kept = [line for i, line in enumerate(lines) if i not in drop]
    blocks, _ = blocks_from_text("\n".join(kept))
    return render_blocks(blocks)


def _dnr_in(text: str) -> str | None:
    found = _DNR_IN_PARENS.search(text)
    return " ".join(found["dnr"].split()) if found else None


def read_case_file(text: str) -> CaseFile | None:
    """The case a file of protocol paragraphs, tjänsteskrivelse and motion describes, or None."""
    parts = split_parts(text)
    if not parts:
        return None
    decisions: list[dict[str, Any]] = []
    papers: list[dict[str, Any]] = []
    organs: dict[str, OrganName] = {}
    described: list[str] = []
    case_title, dnr, request_text, submitted_on, submitted_by = None, None, None, None, None
    memo_dates_from_decisions: list[tuple[dt.date, dict[str, str]]] = []

    for part in parts:
        lines = part.lines
        cleaned = [_clean(l) for l in lines]
        if part.kind == "paragraf":
            start = next(i for i, l in enumerate(cleaned) if _PARAGRAPH_START.match(l))
            first = _PARAGRAPH_START.match(cleaned[start])
            assert first is not None  # the line was found by this very pattern
            title, _ = (
                _title_after(lines, start + 1)
                if not first["rest"]
                else _title_after([first["rest"], *lines[start + 1 :]], 0)
            )
            dnr = dnr or _dnr_in(title)
            organ = organ_from_name(part.organ or "") if part.organ else None
            if organ is None or part.meeting_date is None:
                described.append(f"§ {part.number}: organ eller sammanträdesdatum saknas; paragrafen hoppades över")
                continue
            organs[organ.key] = organ
            sections = _sections(lines[start:])
            wording = " ".join(sections.get("Beslut", []))
            reservations = sections.get("Reservationer", [])
            decisions.append(
                {
                    "body": organ.key,
                    "meeting_date": part.meeting_date.isoformat(),
                    "paragraph": part.number,
                    "dnr": _dnr_in(title),
                    "outcome": _outcome(wording),
                    "wording": wording or None,
                    "reservations": reservations,
                }
            )
            for item in sections.get("Beslutsunderlag", []):
                if item.lower().startswith("tjänsteskrivelse"):
                    when = find_date(item)
                    if when:
                        memo_dates_from_decisions.append(
                            (
                                part.meeting_date,
                                {
                                    "date": when.isoformat(),
                                    "source": f"beslutsunderlaget i {organ.key} {part.meeting_date.isoformat()} § {part.number}",
                                },
                            )
                        )
            case_title = case_title or re.sub(r"\s*\([^()]*\)\s*$", "", title)
            described.append(f"{organ.key} {part.meeting_date.isoformat()} § {part.number}: {title}")
        elif part.kind == "tjänsteskrivelse":
            start = next(i for i, l in enumerate(cleaned) if _MEMO_START.match(l))
            index = start + 1
            while index < len(cleaned) and not cleaned[index]:
                index += 1
            title, _ = _title_after(lines, index)
            dates = []
            for position, line in enumerate(cleaned):
                if re.search(r"\bTJÄNSTESKRIVELSE\b", line) and line != cleaned[start]:
                    for follow in cleaned[position + 1 : position + 6]:
                        when = parse_date(follow)
                        if when:
                            dates.append({"date": when.isoformat(), "source": "tjänsteskrivelsens sidhuvud"})
                            break
                found_dnr = _DNR_LINE.match(line)
                if found_dnr and not dnr:
                    dnr = found_dnr["dnr"].strip()
            papers.append(
                {
                    "kind": "tjänsteskrivelse",
                    "title": f"Tjänsteskrivelse: {title}",
                    "dates": dates,
                    "text": _text_without_headers(lines),
                }
            )
            described.append(f"Tjänsteskrivelse: {title}")
        else:
            start = next(i for i, l in enumerate(cleaned) if _REQUEST_START.match(l))
            title, _ = _title_after(lines, start)
            dated = next((parse_date(m["date"]) for l in cleaned[:start] if (m := _PLACE_DATE.match(l))), None)
            submitted_on = dated
            body = lines[start:]
            while body and (not _clean(body[-1]) or re.match(r"^protokollsbilaga\b", _clean(body[-1]), re.IGNORECASE)):
                body = body[:-1]
            request_text = _text_without_headers(body)
            for line in reversed([l for l in cleaned if l]):
                if line in PARTIES.values():
                    submitted_by = line
                    break
            papers.append(
                {
                    "kind": part.kind,
                    "title": title,
                    "dates": ([{"date": dated.isoformat(), "source": f"{part.kind}ens datering"}] if dated else []),
                    "text": request_text,
                }
            )
            described.append(f"{part.kind.capitalize()}: {title}")

    for paper in papers:
        if paper["kind"] == "tjänsteskrivelse":
            # The earliest meeting that names a date is the one cited as its source.
            for _, extra in sorted(memo_dates_from_decisions, key=lambda pair: pair[0]):
                if not any(d["date"] == extra["date"] for d in paper["dates"]):
                    paper["dates"].append(extra)
    if dnr is None:
        return None
    kind = "motion"
    if any(p["kind"] == "medborgarförslag" for p in papers) or (
        case_title and "medborgarförslag" in case_title.lower()
    ):
        kind = "medborgarförslag"
    elif not any(p["kind"] == "motion" for p in papers) and not (case_title and "motion" in case_title.lower()):
        kind = "ärende"
    named = _case_title(case_title, papers)
    if submitted_by is None and named:
        party = re.search(r"\((?P<p>[A-ZÅÄÖ]{1,2})\)", named)
        submitted_by = PARTIES.get(party["p"]) if party else None
    decisions.sort(key=lambda d: d["meeting_date"])
    case = {
        "dnr": dnr,
        "kind": kind,
        "title": named or f"Ärende {dnr}",
        "submitted_by": submitted_by,
        "submitted_on": submitted_on.isoformat() if submitted_on else None,
        "text": request_text,
        "decisions": decisions,
        "documents": [],
        "papers": papers,
    }
    return CaseFile(case, list(organs.values()), described)


def _case_title(protocol_title: str | None, papers: list[dict[str, Any]]) -> str | None:
    """ "Svar på motion (V) om …" -> "Motion (V) om …"; else the motion's own title."""
    if protocol_title:
        answer = re.match(r"^(?:svar på|besvarande av|yttrande över)\s+(?P<rest>.+)$", protocol_title, re.IGNORECASE)
        rest = answer["rest"] if answer else protocol_title
        return rest[0].upper() + rest[1:]
    request = next((p for p in papers if p["kind"] in ("motion", "medborgarförslag")), None)
    return request["title"] if request else None
