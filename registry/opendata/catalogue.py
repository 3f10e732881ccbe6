"""The register as a DCAT-AP-SE 3.0 dataset, for the national data portal (dataportal.se).

Built with rdflib and serialised as RDF/XML (what the portal harvests) or Turtle. `gaps` checks
a graph against the profile's mandatory and recommended properties per class, as listed in the
specification (docs.dataportal.se/dcat/3.0.1), since the profile's SHACL shapes cannot be fetched
here; docs/open-data.md lists the same table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
IANA = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class CatalogueFacts:
    base: str
    kommun_name: str
    kommun_key: str
    contact_email: str | None
    issued: dt.date
    modified: dt.date
    document_count: int


def catalogue_graph(facts: CatalogueFacts) -> Graph:
    base = facts.base
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("vcard", VCARD)):
        graph.bind(prefix, namespace)
    catalogue = URIRef(f"{base}/data/katalog")
    dataset = URIRef(f"{base}/data/styrdokument")
    publisher = URIRef(f"{base}/om/registret#utgivare")
    contact = URIRef(f"{base}/om/registret#kontakt")
    service = URIRef(f"{base}/api/v1")
    about = URIRef(f"{base}/om/registret")

    def sv(text: str) -> Literal:
        return Literal(text, lang="sv")

    def day(value: dt.date) -> Literal:
        return Literal(value.isoformat(), datatype=XSD.date)

    add = graph.add
    add((publisher, RDF.type, FOAF.Agent))
    add((publisher, RDF.type, FOAF.Organization))
    add((publisher, FOAF.name, sv(facts.kommun_name)))
    add((publisher, DCTERMS.type, URIRef("http://purl.org/adms/publishertype/LocalAuthority")))

    add((contact, RDF.type, VCARD.Organization))
    add((contact, VCARD.fn, sv(f"{facts.kommun_name}, registrator")))
    add((contact, VCARD.hasURL, about))
    if facts.contact_email:
        add((contact, VCARD.hasEmail, URIRef(f"mailto:{facts.contact_email}")))

    add((catalogue, RDF.type, DCAT.Catalog))
    add((catalogue, DCTERMS.title, sv(f"{facts.kommun_name}: öppna data ur styrdokumentregistret")))
    add(
        (
            catalogue,
            DCTERMS.description,
            sv(
                f"Datakatalog för {facts.kommun_name}s register över styrdokument (Styrdok): dokumenten, "
                "deras versioner, beslut och relationer."
            ),
        )
    )
    add((catalogue, DCTERMS.publisher, publisher))
    add((catalogue, DCTERMS.license, CC0))
    add((catalogue, DCTERMS.language, URIRef(f"{EU}language/SWE")))
    add((catalogue, FOAF.homepage, URIRef(f"{base}/")))
    add((catalogue, DCTERMS.issued, day(facts.issued)))
    add((catalogue, DCTERMS.modified, day(facts.modified)))
    add((catalogue, DCAT.themeTaxonomy, URIRef(f"{EU}data-theme")))
    add((catalogue, DCAT.dataset, dataset))
    add((catalogue, DCAT.service, service))

    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, sv(f"Styrdokument i {facts.kommun_name}")))
    add(
        (
            dataset,
            DCTERMS.description,
            sv(
                f"Alla publicerade styrdokument i {facts.kommun_name} ({facts.document_count} st.) med typ, status, "
                "beslutande organ, beslut, giltighet, versioner och relationer (ersätter, upphäver, genomför …). "
                "Utkast och personuppgifter utöver beslutande organ ingår inte."
            ),
        )
    )
    add((dataset, DCTERMS.publisher, publisher))
    add((dataset, DCAT.contactPoint, contact))
    add((dataset, DCAT.theme, URIRef(f"{EU}data-theme/GOVE")))
    for word in ("styrdokument", "författningssamling", "kommunala beslut", facts.kommun_name):
        add((dataset, DCAT.keyword, sv(word)))
    add((dataset, DCTERMS.accrualPeriodicity, URIRef(f"{EU}frequency/DAILY")))
    add((dataset, DCTERMS.issued, day(facts.issued)))
    add((dataset, DCTERMS.modified, day(facts.modified)))
    add((dataset, DCTERMS.language, URIRef(f"{EU}language/SWE")))
    add((dataset, DCTERMS.accessRights, URIRef(f"{EU}access-right/PUBLIC")))
    add((dataset, DCAT.landingPage, about))

    distributions = [
        ("csv", "CSV (en fil per tabell, zip)", f"{base}/data/oppna-data-csv.zip", "CSV", "application/zip"),
        (
            "jsonl",
            "JSON Lines (en fil per tabell, zip)",
            f"{base}/data/oppna-data-jsonl.zip",
            "JSON",
            "application/zip",
        ),
        ("jsonld", "JSON-LD per dokument (ELI)", f"{base}/kfs/{facts.kommun_key}", "JSON_LD", "application/ld+json"),
        (
            "atom",
            "Atom-flöde med nya och ändrade dokument",
            f"{base}/flode/dokument.atom",
            "ATOM",
            "application/atom+xml",
        ),
        ("api", "JSON-API (REST)", f"{base}/api/v1/documents", "JSON", "application/json"),
    ]
    for key, title, url, file_type, media_type in distributions:
        node = URIRef(f"{base}/data/katalog#distribution-{key}")
        add((dataset, DCAT.distribution, node))
        add((node, RDF.type, DCAT.Distribution))
        add((node, DCTERMS.title, sv(title)))
        add((node, DCTERMS.description, sv(f"{title}; beskrivning av fälten på {base}/om/registret#oppna-data.")))
        add((node, DCAT.accessURL, URIRef(url if key in ("jsonld", "api") else f"{base}/om/registret")))
        if key not in ("jsonld", "api"):
            add((node, DCAT.downloadURL, URIRef(url)))
        add((node, DCTERMS.format, URIRef(f"{EU}file-type/{file_type}")))
        add((node, DCAT.mediaType, URIRef(f"{IANA}{media_type}")))
        add((node, DCTERMS.license, CC0))
        if key == "api":
            add((node, DCAT.accessService, service))

    add((service, RDF.type, DCAT.DataService))
    add((service, DCTERMS.title, sv(f"Styrdoks API för {facts.kommun_name}")))
    add((service, DCAT.endpointURL, service))
    add((service, DCAT.endpointDescription, URIRef(f"{base}/api/v1/openapi.json")))
    add((service, DCAT.servesDataset, dataset))
    add((service, DCTERMS.publisher, publisher))
    add((service, DCTERMS.license, CC0))
    add((service, DCAT.contactPoint, contact))
    return graph


#: DCAT-AP-SE 3.0: per class, the mandatory and the recommended properties.
PROFILE: dict[URIRef, tuple[tuple[URIRef, ...], tuple[URIRef, ...]]] = {
    DCAT.Catalog: (
        (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset),
        (DCTERMS.license, DCTERMS.language, FOAF.homepage, DCTERMS.modified, DCTERMS.issued, DCAT.themeTaxonomy),
    ),
    DCAT.Dataset: (
        (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.contactPoint),
        (DCAT.distribution, DCAT.keyword, DCAT.theme, DCTERMS.accrualPeriodicity, DCTERMS.modified, DCTERMS.issued),
    ),
    DCAT.Distribution: (
        (DCAT.accessURL,),
        (DCTERMS.description, DCTERMS.format, DCTERMS.license, DCTERMS.title, DCAT.mediaType),
    ),
    DCAT.DataService: ((DCTERMS.title, DCAT.endpointURL), (DCAT.endpointDescription, DCAT.servesDataset)),
    FOAF.Agent: ((FOAF.name,), (DCTERMS.type,)),
    VCARD.Organization: ((VCARD.fn,), (VCARD.hasEmail,)),
}


def gaps(graph: Graph) -> list[tuple[str, str, str]]:
    """(severity, subject, property) for every mandatory ("obligatorisk") or recommended
    ("rekommenderad") property a node of a profiled class lacks; empty when the graph conforms."""
    found = []
    for cls, (mandatory, recommended) in PROFILE.items():
        for subject in graph.subjects(RDF.type, cls):
            for severity, properties in (("obligatorisk", mandatory), ("rekommenderad", recommended)):
                for prop in properties:
                    if graph.value(subject, prop) is None:
                        found.append((severity, str(subject), graph.namespace_manager.normalizeUri(prop)))
    return found
