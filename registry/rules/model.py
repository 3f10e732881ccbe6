"""Typed rulesets: what a municipality has decided its document types are."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Clause:
    """One part of a definition ("anger långsiktiga avsikter") and the cues that show it."""

    key: str
    text: str
    cues: tuple[str, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class ParentRule:
    """Which parent types a document needs, optionally only when a given organ level adopts it."""

    parents: tuple[str, ...]
    when_adopted_by: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class DocumentType:
    key: str
    label: str
    family: str
    names: tuple[str, ...]
    definition: str
    source: str
    clauses: tuple[Clause, ...]
    adopted_by: tuple[str, ...] = ()
    horizon: str | None = None
    review_years: int | None = None
    must_not_contain: tuple[str, ...] = ()
    may_contain: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    parent_rule: ParentRule | None = None
    not_names: tuple[str, ...] = ()
    #: A title labelling this type should name one of these words ("nämnd" for a reglemente).
    label_needs: tuple[str, ...] = ()
    label_needs_text: str | None = None
    #: True when the municipality has no definition of its own and the common core applies.
    from_common_core: bool = False
    common_core_note: str | None = None


@dataclass(frozen=True)
class Family:
    key: str
    label: str
    description: str
    title_markers: tuple[str, ...] = ()
    #: Types whose content does not contradict a label of this family: lagstyrda documents are
    #: binding by law, so a reglemente full of ska-krav is no set of regler in disguise, unless
    #: the type's own definition doubts the title (see DocumentType.label_needs).
    not_contradicted_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContentRule:
    """Content a type may be forbidden to hold, e.g. "mål" in Göteborg's normerande documents."""

    key: str
    label: str
    cues: tuple[str, ...]
    source: str = ""


@dataclass(frozen=True, eq=False)  # identity hash: a loaded ruleset is cached by object
class Ruleset:
    key: str
    name: str
    version: str
    source: str
    types: dict[str, DocumentType]
    families: dict[str, Family]
    content_rules: dict[str, ContentRule] = field(default_factory=dict)
    extends: str | None = None
    file: str = ""

    def family_of(self, type_key: str) -> str | None:
        document_type = self.types.get(type_key)
        return document_type.family if document_type else None

    def family_label(self, family_key: str | None) -> str:
        family = self.families.get(family_key or "")
        return family.label if family else (family_key or "okänd familj")
