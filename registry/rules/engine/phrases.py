"""The Swedish phrase lists of phrases.toml as typed, read-once data, and the linguistic features.

Phrases are language facts (how Swedish asks for a document, cites one, or reviews one); they are
data so that they can be read and extended without touching the code that applies them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Phrases:
    request_before: tuple[str, ...]
    request_after: tuple[str, ...]
    request_weak: frozenset[str]
    imperatives: frozenset[str]
    review_before: tuple[str, ...]
    passing_strong: tuple[str, ...]
    passing_previous: frozenset[str]
    passing_before: tuple[str, ...]
    citing_word: frozenset[str]
    containment: tuple[str, ...]
    coordinators: frozenset[str]
    links: frozenset[str]
    type_fields: frozenset[str]
    declaration_verbs: tuple[str, ...]
    demonstratives: frozenset[str]
    question_words: frozenset[str]
    second_person: frozenset[str]
    duty: frozenset[str]
    not_duty_after: frozenset[str]
    aim_after: frozenset[str]
    aim_adverbs: frozenset[str]


def load_phrases() -> Phrases:
    data = tomllib.loads(resources.files("registry.rules.engine").joinpath("phrases.toml").read_text("utf-8"))
    return Phrases(
        request_before=tuple(data["request"]["before"]),
        request_after=tuple(data["request"]["after"]),
        request_weak=frozenset(data["request"]["weak"]),
        imperatives=frozenset(data["request"]["imperatives"]),
        review_before=tuple(data["review"]["before"]),
        passing_strong=tuple(data["passing"]["strong"]),
        passing_previous=frozenset(data["passing"]["previous_word"]),
        passing_before=tuple(data["passing"]["before"]),
        citing_word=frozenset(data["passing"]["citing_word"]),
        containment=tuple(data["containment"]["verbs"]),
        coordinators=frozenset(data["coordination"]["coordinators"]),
        links=frozenset(data["coordination"]["links"]),
        type_fields=frozenset(data["declaration"]["type_fields"]),
        declaration_verbs=tuple(data["declaration"]["verbs"]),
        demonstratives=frozenset(data["declaration"]["demonstratives"]),
        question_words=frozenset(data["features"]["question_words"]),
        second_person=frozenset(data["features"]["second_person"]),
        duty=frozenset(data["features"]["duty"]),
        not_duty_after=frozenset(data["features"]["not_duty_after"]),
        aim_after=frozenset(data["features"]["aim_after"]),
        aim_adverbs=frozenset(data["features"]["aim_adverbs"]),
    )


PHRASES = load_phrases()

#: The linguistic features a rule file may name as cues (``#name``); the rule linter refuses others.
FEATURES: dict[str, str] = {
    "#fråga-hur": "en fråga om hur, var eller inom vilka områden något ska göras",
    "#ska-krav": "en mening med ska, skall eller måste",
    "#förbud": "får inte, får aldrig, är förbjudet …",
    "#du-tilltal": "texten vänder sig till läsaren (du, dig, din)",
    "#numrerad-lista": "numrerade steg (1. 2. 3.), inte numrerade rubriker",
    "#årsintervall": "en tidsperiod som 2020–2023",
    "#målår": "ett framtida målår som ”år 2035”",
}
