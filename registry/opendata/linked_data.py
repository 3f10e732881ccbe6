"""JSON-LD for a document, in the ELI ontology, with schema.org where ELI has no term.

The work (eli:LegalResource) is the document as decided, at its /kfs/ address; each public
version is an expression (eli:LegalExpression) at …/version/{n}. Organs, types, decisions and
ärenden are nodes with addresses of their own, so a harvester can follow every link.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from registry.models import Decision, Document, DocumentVersion
from registry.models.bodies import Body
from registry.models.vocabulary import IN_FORCE
from registry.opendata.identifiers import document_path, kfs_label, version_path
from registry.opendata.records import cases_of, public_relations, public_versions
from registry.rules.model import Ruleset

ELI = "http://data.europa.eu/eli/ontology#"
SWEDISH = "http://publications.europa.eu/resource/authority/language/SWE"

#: One context for every document: prefixes, and which properties hold dates or links.
CONTEXT: dict[str, Any] = {
    "eli": ELI,
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    **{
        term: {"@id": term, "@type": "xsd:date"}
        for term in (
            "eli:date_document",
            "eli:first_date_entry_in_force",
            "eli:date_no_longer_in_force",
            "eli:version_date",
            "schema:legislationDate",
            "dcterms:date",
        )
    },
    **{
        term: {"@id": term, "@type": "@id"}
        for term in (
            "eli:type_document",
            "eli:passed_by",
            "eli:is_realized_by",
            "eli:realizes",
            "eli:in_force",
            "eli:language",
            "eli:repeals",
            "eli:repealed_by",
            "eli:based_on",
            "eli:basis_for",
            "eli:cites",
            "eli:cited_by",
            "eli:related_to",
            "eli:amends",
            "eli:amended_by",
            "dcterms:replaces",
            "dcterms:isReplacedBy",
            "dcterms:isPartOf",
            "schema:legislationLegalForce",
            "schema:subjectOf",
            "schema:creator",
        )
    },
}

#: Relation kinds in ELI words, seen from the source (outgoing) and from the target (incoming).
#: ELI has no "replaces": dcterms does. "genomför" and "konkretiserar" are based_on the other.
RELATION_TERMS: dict[str, tuple[str, str]] = {
    "upphäver": ("eli:repeals", "eli:repealed_by"),
    "ersätter": ("dcterms:replaces", "dcterms:isReplacedBy"),
    "genomför": ("eli:based_on", "eli:basis_for"),
    "konkretiserar": ("eli:based_on", "eli:basis_for"),
    "hänvisar till": ("eli:cites", "eli:cited_by"),
    "berör": ("eli:related_to", "eli:related_to"),
}


def organ_uri(base: str, body: Body) -> str:
    return f"{base}/organ/{body.key.replace(' ', '-')}"


def type_uri(base: str, type_key: str) -> str:
    return f"{base}/regler#typ-{type_key}"


def decision_uri(base: str, decision: Decision) -> str:
    return f"{base}/beslut/{decision.id}"


def case_uri(base: str, dnr: str) -> str:
    return f"{base}/arenden/{quote(dnr, safe='./')}"  # "KS 2025.032": no spaces in an IRI


def _organ(base: str, body: Body) -> dict[str, Any]:
    return {
        "@id": organ_uri(base, body),
        "@type": ["foaf:Organization", "schema:GovernmentOrganization"],
        "foaf:name": body.name,
        "schema:alternateName": body.key,
    }


def decision_node(base: str, decision: Decision) -> dict[str, Any]:
    """A protocol paragraph: who decided, when, under which dnr, and what."""
    node: dict[str, Any] = {
        "@id": decision_uri(base, decision),
        "@type": "schema:CreativeWork",
        "schema:name": decision.reference,
        "dcterms:date": decision.meeting_date.isoformat(),
        "schema:creator": _organ(base, decision.body),
        "schema:genre": decision.outcome,
    }
    if decision.dnr:
        node["dcterms:identifier"] = decision.dnr
    if decision.wording:
        node["schema:text"] = {"@value": decision.wording, "@language": "sv"}
    return node


def expression_node(base: str, kommun: str, document: Document, version: DocumentVersion) -> dict[str, Any]:
    snapshot = version.snapshot or {}
    return {
        "@id": f"{base}{version_path(kommun, document, version.version)}",
        "@type": "eli:LegalExpression",
        "eli:realizes": f"{base}{document_path(kommun, document)}",
        "eli:title": {"@value": snapshot.get("title", document.title), "@language": "sv"},
        "eli:version": str(version.version),
        "eli:version_date": version.changed_at.date().isoformat(),
        "eli:language": SWEDISH,
        "schema:creativeWorkStatus": snapshot.get("status"),
    }


def document_jsonld(
    session: Session, document: Document, *, base: str, kommun: str, ruleset: Ruleset
) -> dict[str, Any]:
    """The linked data of a public, numbered document."""
    work = f"{base}{document_path(kommun, document)}"
    definition = ruleset.types.get(document.type_key)
    node: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": work,
        "@type": ["eli:LegalResource", "schema:Legislation"],
        "eli:id_local": kfs_label(document.kfs_year, document.kfs_number),
        "schema:legislationIdentifier": kfs_label(document.kfs_year, document.kfs_number),
        "eli:title": {"@value": document.title, "@language": "sv"},
        "eli:type_document": {
            "@id": type_uri(base, document.type_key),
            "@type": "skos:Concept",
            "skos:prefLabel": {"@value": definition.label if definition else document.type_key, "@language": "sv"},
            **({"skos:definition": {"@value": definition.definition, "@language": "sv"}} if definition else {}),
        },
        "schema:legislationType": definition.label if definition else document.type_key,
        "schema:creativeWorkStatus": document.status,
        "eli:in_force": f"{ELI}InForce-{'inForce' if document.status == IN_FORCE else 'notInForce'}",
        "schema:legislationLegalForce": f"https://schema.org/{'InForce' if document.status == IN_FORCE else 'NotInForce'}",
        "eli:language": SWEDISH,
        "schema:url": work,
    }
    if document.summary:
        node["eli:description"] = {"@value": document.summary, "@language": "sv"}
    if document.topic_names:
        node["schema:keywords"] = list(document.topic_names)
    organ = document.adopted_by or (document.decision.body if document.decision else None)
    if organ is not None:
        node["eli:passed_by"] = _organ(base, organ)
        node["schema:legislationPassedBy"] = {"@id": organ_uri(base, organ)}
    adopted_on = document.decision.meeting_date if document.decision else document.valid_from
    if adopted_on:
        node["eli:date_document"] = adopted_on.isoformat()
        node["schema:legislationDate"] = adopted_on.isoformat()
    if document.valid_from:
        node["eli:first_date_entry_in_force"] = document.valid_from.isoformat()
    if document.valid_until:
        node["eli:date_no_longer_in_force"] = document.valid_until.isoformat()
    if document.decision is not None:  # the decision that adopted it
        node["eli:based_on"] = [decision_node(base, document.decision)]
    versions = public_versions(session, document)
    node["eli:is_realized_by"] = [expression_node(base, kommun, document, v) for v in versions]
    _add_relations(session, node, document, base=base, kommun=kommun)
    subject_of = []
    for case in cases_of(session, document):
        for decision in case.decisions:
            entry = decision_node(base, decision)
            entry["dcterms:isPartOf"] = {
                "@id": case_uri(base, case.dnr),
                "@type": "schema:CreativeWork",
                "schema:name": case.title,
                "dcterms:identifier": case.dnr,
            }
            subject_of.append(entry)
    if subject_of:
        node["schema:subjectOf"] = subject_of
    return node


def _add_relations(session: Session, node: dict[str, Any], document: Document, *, base: str, kommun: str) -> None:
    for relation in public_relations(session, document):
        outgoing = relation.source_id == document.id
        other = relation.target if outgoing else relation.source
        other_path = document_path(kommun, other)
        if other_path is None:
            continue
        term = RELATION_TERMS[relation.kind][0 if outgoing else 1]
        node.setdefault(term, []).append(f"{base}{other_path}")
