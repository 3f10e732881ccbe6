"""The lexicon of type names: which word names which type, compounds included."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from registry.rules.model import Ruleset
from registry.text.swedish import Unit


@dataclass(frozen=True)
class Mention:
    type_key: str
    unit: int
    token: int
    word: str


@dataclass(frozen=True)
class Lexicon:
    forms: dict[str, str]  # surface form -> type key
    not_names: frozenset[str]
    memo: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def type_of(self, token: str) -> str | None:
        found = self.memo.get(token, "")
        if found == "":
            found = self.memo[token] = self._type_of(token)
        return found

    def _type_of(self, token: str) -> str | None:
        """The type a word names: the word itself, or its head if it is a compound.

        Swedish compounds are head-final: "digitaliseringsstrategi" and "AI-strategi" are
        strategier, "handlingsplanen" a handlingsplan. A compound whose head is "dokument"
        takes its type from the first part: "strategidokument" asks for a strategi.
        """
        if token in self.not_names:
            return None
        if token in self.forms:
            return self.forms[token]
        for head in ("dokumentet", "dokumenten", "dokument"):
            if token.endswith(head) and len(token) > len(head):
                first = token[: -len(head)].rstrip("-")
                if first in self.forms:
                    return self.forms[first]
        # Longest head first: "handlingsplan" before "plan".
        for start in range(1, len(token) - 2):
            head = token[start:]
            if head in self.forms:
                prefix = token[:start]
                if prefix.endswith("-") or len(prefix) >= 3:
                    return self.forms[head]
                return None
        return None


@lru_cache(maxsize=64)
def type_lexicon(ruleset: Ruleset) -> Lexicon:
    forms: dict[str, str] = {}
    not_names: set[str] = set()
    # The municipality's own definitions win over inherited ones when both claim a word.
    ordered = sorted(ruleset.types.values(), key=lambda t: t.from_common_core, reverse=True)
    for document_type in ordered:
        not_names.update(document_type.not_names)
        for name in document_type.names:
            forms[name] = document_type.key
    return Lexicon(forms, frozenset(not_names))


def find_mentions(units: Sequence[Unit], lexicon: Lexicon) -> list[Mention]:
    mentions = []
    for unit in units:
        for position, token in enumerate(unit.tokens):
            type_key = lexicon.type_of(token)
            if type_key:
                mentions.append(Mention(type_key, unit.index, position, token))
    return mentions
