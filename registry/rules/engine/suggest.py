"""The att-sats that would ask for the type the content fits (what no register offers).

Built from the request's own subject ("… för artificiell intelligens"), the fitting type's name
and the organ the rule file lets adopt it, so the office can paste it into its proposal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from registry.rules.engine.context import Context
from registry.rules.engine.findings import with_article
from registry.rules.engine.requests import MentionRole
from registry.rules.model import Ruleset

#: Words that open the subject of a requested document: "en strategi för …", "en plan mot …".
_SUBJECT_OPENERS = ("för", "om", "mot", "kring", "gällande", "avseende", "inom", "kopplat till", "angående")
#: Where a subject stops: a clause boundary.
_SUBJECT_END = re.compile(r"[.;:!?()\[\]•]|\s(?:som|och att|samt att|där|vilket|eftersom|så att)\s", re.IGNORECASE)
_MAX_SUBJECT_WORDS = 12


@dataclass(frozen=True)
class SuggestedRequest:
    type: str
    adopted_by: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "adopted_by": self.adopted_by, "text": self.text}


def request_subject(ctx: Context, roles: list[MentionRole]) -> str | None:
    """What the requested document is to be about, in the text's own words."""
    for role in roles:
        if role.role != "request":
            continue
        unit = ctx.units[role.mention.unit]
        found = re.search(re.escape(role.mention.word), unit.text, re.IGNORECASE)
        if not found:
            continue
        rest = unit.text[found.end() :].strip(" ,–-")
        for opener in _SUBJECT_OPENERS:
            if rest.lower().startswith(opener + " "):
                subject = _SUBJECT_END.split(rest)[0].strip(" ,–-")
                words = subject.split()
                if len(words) >= 2:
                    return " ".join(words[:_MAX_SUBJECT_WORDS])
    return None


def _organ(ruleset: Ruleset, type_key: str) -> tuple[str, str]:
    """Who is tasked, and who adopts: the lowest political level the rule file allows, KS first."""
    levels = ruleset.types[type_key].adopted_by
    if "styrelse" in levels or not levels:
        return "kommunstyrelsen", "kommunstyrelsen"
    if "nämnd" in levels:
        return "berörd nämnd", "berörd nämnd"
    if "fullmäktige" in levels:
        return "kommunstyrelsen", "kommunfullmäktige"
    return "kommunstyrelsen", "förvaltningen"


def suggest_request(ctx: Context, roles: list[MentionRole], fitting: str) -> SuggestedRequest:
    ruleset = ctx.ruleset
    tasked, adopter = _organ(ruleset, fitting)
    named = with_article(ruleset, fitting)
    subject = request_subject(ctx, roles)
    about = f" {subject}" if subject else ""
    if adopter == "kommunfullmäktige":
        text = f"att ge {tasked} i uppdrag att ta fram ett förslag till {_bare(named)}{about} för antagande i kommunfullmäktige"
    elif adopter == "förvaltningen":
        text = f"att ge {tasked} i uppdrag att se till att förvaltningen tar fram {named}{about}"
    else:
        text = f"att ge {tasked} i uppdrag att ta fram {named}{about}"
    return SuggestedRequest(fitting, adopter, text)


def _bare(named: str) -> str:
    """ "ett förslag till en plan" reads "ett förslag till plan"."""
    return named.split(" ", 1)[1] if named.startswith(("en ", "ett ")) else named
