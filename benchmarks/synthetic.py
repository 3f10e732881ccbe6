"""Realistic synthetic registers: Swedish titles and sections across types, organs and topics.

Deterministic for a given seed, so benchmark runs compare like with like.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from registry.similarity.related import DocumentSnapshot, SectionSnapshot

TOPICS: dict[str, list[str]] = {
    "bygglov": ["bygglov", "detaljplan", "ansökan", "handläggningstid", "bygglovsansökan", "tillsyn"],
    "skolskjuts": ["skolskjuts", "elever", "hållplats", "färdtid", "grundskola", "resor"],
    "informationssäkerhet": [
        "informationssäkerhet",
        "behörighet",
        "lösenord",
        "incident",
        "klassning",
        "cybersäkerhet",
    ],
    "artificiell intelligens": ["artificiell", "intelligens", "AI-verktyg", "språkmodell", "automatisering", "etik"],
    "jämställdhet": ["jämställdhet", "kvinnor", "män", "lönekartläggning", "diskriminering", "likabehandling"],
    "klimat": ["klimat", "utsläpp", "koldioxid", "förnybar", "energi", "klimatanpassning"],
    "upphandling": ["upphandling", "leverantör", "avtal", "ramavtal", "direktupphandling", "anbud"],
    "sociala medier": ["sociala", "medier", "konto", "publicering", "dialog", "kommunikation"],
    "alkohol och droger": ["alkohol", "droger", "representation", "missbruk", "förebyggande", "narkotika"],
    "landsbygd": ["landsbygd", "bredband", "service", "byar", "lokal", "utveckling"],
    "trygghet": ["trygghet", "brottsförebyggande", "belysning", "ordningsvakter", "skadegörelse", "polisen"],
    "äldreomsorg": ["äldreomsorg", "hemtjänst", "särskilt", "boende", "omvårdnad", "anhöriga"],
    "folkhälsa": ["folkhälsa", "hälsa", "fysisk", "aktivitet", "levnadsvanor", "tobak"],
    "kultur": ["kultur", "bibliotek", "konstnärlig", "föreningsliv", "evenemang", "kulturarv"],
    "vatten och avlopp": ["vatten", "avlopp", "dagvatten", "ledningsnät", "vattenverk", "föroreningar"],
    "personal": ["personal", "medarbetare", "kompetensförsörjning", "rekrytering", "arbetsmiljö", "lön"],
    "bostadsförsörjning": [
        "bostadsförsörjning",
        "bostäder",
        "hyresrätter",
        "bostadsbyggande",
        "markanvisning",
        "befolkning",
    ],
    "trafik": ["trafik", "cykel", "gångtrafik", "hastighet", "parkering", "kollektivtrafik"],
    "arkiv": ["arkiv", "gallring", "dokumenthantering", "diarium", "allmänna", "handlingar"],
    "krisberedskap": ["krisberedskap", "kris", "civilt", "försvar", "övning", "samverkan"],
}

TYPES: dict[str, tuple[str, list[str]]] = {
    "strategi": (
        "Strategi för",
        [
            "Strategin anger långsiktiga avsikter och övergripande mål för {t}.",
            "Kommunen ska prioritera {a} och {b} de kommande åren.",
        ],
    ),
    "policy": (
        "Policy för",
        [
            "Policyn anger kommunens förhållningssätt och värderingar kring {a}.",
            "Principerna ska genomsyra allt arbete med {b}.",
        ],
    ),
    "riktlinje": (
        "Riktlinjer för",
        [
            "Riktlinjerna anger hur {a} ska hanteras i verksamheten.",
            "Handläggningen av {b} ska ske inom de ramar som anges här.",
        ],
    ),
    "handlingsplan": (
        "Handlingsplan för",
        ["Handlingsplanen beskriver åtgärder för {a} med tidplan och ansvarig.", "Uppföljning av {b} sker varje år."],
    ),
    "program": (
        "Program för",
        [
            "Programmet anger den politiska viljeinriktningen för {t}.",
            "Samtliga nämnder ska utgå från programmet i arbetet med {a}.",
        ],
    ),
    "rutin": (
        "Rutin för",
        [
            "Rutinen beskriver steg för steg hur {a} hanteras.",
            "Handläggaren ansvarar för {b} och registrator diarieför.",
        ],
    ),
    "vägledning": (
        "Vägledning om",
        ["Vägledningen ger stöd och råd till dig som medarbetare om {a}.", "Tänk på {b} innan du börjar."],
    ),
    "regler": ("Regler för", ["Det är inte tillåtet att {a} utan beslut.", "Alla måste följa reglerna om {b}."]),
}

ORGANS = ["KF", "KS", "BUN", "SBN", "SN", "KLK"]

_SYLLABLES = [
    "bo",
    "stad",
    "vik",
    "sjö",
    "berg",
    "lund",
    "gård",
    "holm",
    "ström",
    "dal",
    "näs",
    "by",
    "torp",
    "kär",
    "väg",
    "skog",
    "äng",
    "hamn",
    "bro",
    "sund",
    "ås",
    "fors",
    "mark",
    "vall",
    "lid",
    "tuna",
]
_ENDINGS = ["ning", "het", "skap", "else", "ande", "are", "eri", "ism", "itet", "ion"]


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Pseudo-Swedish words, so documents on the same topic still differ as real ones do."""
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))) + rng.choice(_ENDINGS))
    return sorted(words)


@dataclass
class Generated:
    snapshots: list[DocumentSnapshot]
    planted_pairs: list[tuple[str, str]]


def _edited(text: str, rng: random.Random, vocabulary: list[str], share: float = 0.1) -> str:
    words = text.split()
    for _ in range(max(1, int(len(words) * share))):
        words[rng.randrange(len(words))] = rng.choice(vocabulary)
    return " ".join(words)


def generate(count: int, *, seed: int = 7, duplicate_share: float = 0.02) -> Generated:
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng)
    topics = list(TOPICS)
    snapshots: list[DocumentSnapshot] = []
    planted: list[tuple[str, str]] = []
    for number in range(count):
        if snapshots and rng.random() < duplicate_share:
            original = rng.choice(snapshots)
            # A planted overlap: a later version that repeats the original with small edits.
            copy = DocumentSnapshot(
                id=f"dok-{number:06d}",
                title=original.title + " (reviderad)",
                type=original.type,
                topics=original.topics,
                summary=original.summary,
                text=original.text,
                sections=tuple(
                    SectionSnapshot(s.anchor, s.heading, _edited(s.text, rng, vocabulary)) for s in original.sections
                ),
            )
            snapshots.append(copy)
            planted.append((original.id, copy.id))
            continue
        topic = rng.choice(topics)
        words = TOPICS[topic]
        type_key = rng.choice(list(TYPES))
        prefix, templates = TYPES[type_key]
        place = rng.choice(
            ["", " i skolan", " inom omsorgen", " för medarbetare", f" {2020 + number % 8}–{2024 + number % 8}"]
        )
        title = f"{prefix} {topic}{place}"
        sections = []
        for index in range(rng.randint(2, 4)):
            a, b = rng.sample(words, 2)
            sentences = [template.format(t=topic, a=a, b=b) for template in templates]
            sentences.append(f"Arbetet med {rng.choice(words)} följs upp av {rng.choice(ORGANS)}.")
            sentences.append(" ".join(rng.choice(vocabulary) for _ in range(rng.randint(15, 30))) + ".")
            sections.append(
                SectionSnapshot(
                    f"avsnitt-{index + 1}", f"{words[index % len(words)].capitalize()}", " ".join(sentences)
                )
            )
        snapshots.append(
            DocumentSnapshot(
                id=f"dok-{number:06d}",
                title=title,
                type=type_key,
                topics=(topic,),
                summary=f"{prefix} {topic}.",
                text="",
                sections=tuple(sections),
            )
        )
    return Generated(snapshots, planted)
