"""What a type word is doing in its sentence: asked for, cited, reviewed, nested, negated."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from registry.rules.engine.lexicon import Mention
from registry.rules.engine.phrases import PHRASES
from registry.text.swedish import Unit


def phrase_at(tokens: Sequence[str], end: int, phrases: Iterable[str]) -> str | None:
    """A phrase whose last word ends right before ``end`` (window of a few words)."""
    for phrase in phrases:
        words = phrase.split()
        for stop in range(max(0, end - 6), end + 1):
            start = stop - len(words)
            if start >= 0 and list(tokens[start:stop]) == words:
                return phrase
    return None


def closest_end(tokens: Sequence[str], end: int, phrases: Iterable[str]) -> int:
    """Where the nearest of the phrases before ``end`` stops (-1 when none is there)."""
    best = -1
    for phrase in phrases:
        words = phrase.split()
        for stop in range(max(0, end - 6), end + 1):
            start = stop - len(words)
            if start >= 0 and list(tokens[start:stop]) == words:
                best = max(best, stop)
    return best


def phrase_after(tokens: Sequence[str], start: int, phrases: Iterable[str], window: int = 4) -> str | None:
    for phrase in phrases:
        words = phrase.split()
        for begin in range(start, min(len(tokens), start + window)):
            if list(tokens[begin : begin + len(words)]) == words:
                return phrase
    return None


@dataclass
class MentionRole:
    mention: Mention
    role: str  # request | passing | nested | negated | neutral
    container: str | None = None
    why: str = ""


def classify_mentions(units: Sequence[Unit], mentions: Sequence[Mention]) -> list[MentionRole]:
    by_unit: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_unit.setdefault(mention.unit, []).append(mention)
    roles: list[MentionRole] = []
    for mention in mentions:
        unit = units[mention.unit]
        tokens = unit.tokens
        before = tokens[max(0, mention.token - 6) : mention.token]
        # "en översyn av kommunens policys": a review of what exists asks for no new document.
        review = phrase_at(tokens, mention.token, PHRASES.review_before)
        if review and closest_end(tokens, mention.token, PHRASES.review_before) >= closest_end(
            tokens, mention.token, PHRASES.request_before
        ):
            roles.append(MentionRole(mention, "review", why=review))
            continue
        # "inte en policy utan en riktlinje": the first is negated.
        if "utan" in tokens[mention.token + 1 : mention.token + 6] and any(n in before[-3:] for n in ("inte", "ej")):
            roles.append(MentionRole(mention, "negated", why="inte … utan"))
            continue
        # A type named after a containment verb, with another type before it in the same
        # sentence (or in the list's lead-in): "en strategi … innehålla riktlinjer för".
        container = None
        for other in by_unit.get(mention.unit, []):
            if other.token < mention.token and other.type_key != mention.type_key:
                between = tokens[other.token + 1 : mention.token]
                if any(c in between for c in PHRASES.containment) or phrase_at(tokens, mention.token, ["bestå av"]):
                    container = other.type_key
        if container:
            roles.append(MentionRole(mention, "nested", container=container, why="innehålla"))
            continue
        strong_passing = phrase_at(tokens, mention.token, PHRASES.passing_strong)
        # "… som rekommenderas i Klimatanpassningsplanen": an att-sats may cite what exists.
        cites_existing = (
            mention.token > 0
            and tokens[mention.token - 1] in PHRASES.citing_word
            and mention.word.endswith(("en", "et", "na", "n"))
        )
        if unit.in_att_sats and not strong_passing and not cites_existing:
            roles.append(MentionRole(mention, "request", why="att-sats"))
            continue
        # A title names what the text asks for, unless the text only ever refers to that type as
        # something that exists (settled after all mentions are read, in settle_titles).
        if unit.kind == "title" and not strong_passing:
            roles.append(MentionRole(mention, "request", why="rubrik"))
            continue
        # "• Utveckla rutiner för …": a demand list whose item opens with the verb of the request.
        if (
            unit.kind == "item"
            and tokens
            and tokens[0] in PHRASES.imperatives
            and mention.token <= 4
            and mention == by_unit[mention.unit][0]
        ):
            roles.append(MentionRole(mention, "request", why=tokens[0]))
            continue
        request = phrase_at(tokens, mention.token, PHRASES.request_before) or phrase_after(
            tokens, mention.token + 1, PHRASES.request_after
        )
        passing = (
            strong_passing
            or (tokens[mention.token - 1] in PHRASES.passing_previous if mention.token > 0 else False)
            or phrase_at(tokens, mention.token, PHRASES.passing_before)
        )
        if request and not (passing and request in PHRASES.request_weak):
            roles.append(MentionRole(mention, "request", why=request))
        elif passing:
            roles.append(MentionRole(mention, "passing", why=str(passing)))
        else:
            roles.append(MentionRole(mention, "neutral"))
    return settle_titles(units, coordinated_requests(units, roles))


def settle_titles(units: Sequence[Unit], roles: list[MentionRole]) -> list[MentionRole]:
    """A title's type is not asked for when the text refers to it only as existing or reviewed
    ("Klimatanpassningsplan – uppföljning" whose att-satser cite "Klimatanpassningsplanen")."""
    out = list(roles)
    for i, role in enumerate(out):
        if role.why != "rubrik":
            continue
        others = [r for r in out if r.mention.type_key == role.mention.type_key and r.why != "rubrik"]
        if others and all(r.role in ("passing", "review") for r in others):
            out[i] = MentionRole(role.mention, "neutral", why="rubrik, texten avser ett befintligt dokument")
    return out


def coordinated_requests(units: Sequence[Unit], roles: list[MentionRole]) -> list[MentionRole]:
    """ "ta fram en analys, en strategi och en handlingsplan": one verb, several objects.

    A type joined to a requested one in the same sentence by "och", "samt", "eller" (with at most
    an article or an adjective between) is requested too.
    """
    out = list(roles)
    for i, role in enumerate(out):
        if role.role not in ("neutral", "passing") or role.why in PHRASES.passing_strong:
            continue
        for earlier in reversed(out[:i]):
            if earlier.mention.unit != role.mention.unit:
                break
            if earlier.role != "request":
                continue
            between = units[role.mention.unit].tokens[earlier.mention.token + 1 : role.mention.token]
            if (
                between
                and len(between) <= 6
                and any(t in PHRASES.coordinators for t in between)
                and all(t in PHRASES.coordinators or t in PHRASES.links for t in between)
            ):
                out[i] = MentionRole(role.mention, "request", why="samordnad med " + earlier.mention.word)
            break
    return out


def requested_types(roles: Sequence[MentionRole]) -> list[str]:
    """The types the text asks to be produced, in the order they first appear."""
    ordered: list[str] = []
    for role in roles:
        if role.role == "request" and role.mention.type_key not in ordered:
            ordered.append(role.mention.type_key)
    if not ordered and not any(r.why.startswith("rubrik") for r in roles):
        # No explicit request and no title: a request text is about the type it names most.
        counts: dict[str, int] = {}
        for role in roles:
            if role.role == "neutral":
                counts[role.mention.type_key] = counts.get(role.mention.type_key, 0) + 1
        if counts:
            ordered = [max(counts, key=lambda k: counts[k])]
    negated = {r.mention.type_key for r in roles if r.role == "negated"}
    return [
        t
        for t in ordered
        if t not in negated
        or any(r.role == "request" and r.mention.type_key == t and r.why == "att-sats" for r in roles)
    ]
