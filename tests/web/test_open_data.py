"""The open register as a harvester and a citizen meet it: stable addresses, linked data, the
DCAT-AP-SE catalogue, Atom feeds, the sitemap, bulk downloads and conditional GET.

Every channel is read the way an outside system reads it (rdflib for RDF, feedparser for Atom,
csv/json for the downloads), and each is checked for drafts and unpublished documents.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile

import feedparser
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from sqlalchemy import select

from registry.models import CaseDocument, Document, DocumentVersion, Relation
from registry.models.vocabulary import PUBLIC_STATUSES
from registry.opendata.catalogue import gaps
from registry.opendata.linked_data import RELATION_TERMS
from registry.services.cases import find_case
from tests.support.web import DRAFT_TITLE

ELI = Namespace("http://data.europa.eu/eli/ontology#")
SCHEMA = Namespace("https://schema.org/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
BASE = "http://localhost"
LD = {"Accept": "application/ld+json"}


def _session(app):
    return app.extensions["styrdok"]["sessions"]()


def _documents(app) -> list[Document]:
    with _session(app) as session:
        return list(session.scalars(select(Document).order_by(Document.kfs_year, Document.kfs_number)))


def _public(app) -> list[Document]:
    return [d for d in _documents(app) if d.status in PUBLIC_STATUSES]


def _path(document: Document) -> str:
    from registry.identifiers import slugify

    return f"/kfs/vallentuna/{slugify(document.type_key)}/{document.kfs_year}/{document.kfs_number}"


def _linked_data(client, path: str) -> Graph:
    response = client.get(path, headers=LD)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/ld+json"
    return Graph().parse(data=response.get_data(as_text=True), format="json-ld", base=BASE)


# --- stable addresses -------------------------------------------------------------------------


def test_public_documents_are_numbered_in_one_sequence_and_drafts_are_not(app):
    documents = _documents(app)
    public = [d for d in documents if d.status in PUBLIC_STATUSES]
    assert public and all(d.kfs_number for d in public)
    numbers = sorted((d.kfs_year, d.kfs_number) for d in public)
    assert len(set(numbers)) == len(numbers)
    draft = next(d for d in documents if d.title == DRAFT_TITLE)
    assert draft.kfs_number is None  # no number, so the public sequence has no gap that betrays it


def test_every_public_document_answers_at_its_stable_address_and_the_old_page_points_there(client, app):
    for document in _public(app):
        page = client.get(_path(document))
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert document.title in html
        assert f'<link rel="canonical" href="{BASE}{_path(document)}">' in html
        old = client.get(f"/dokument/{document.id}").get_data(as_text=True)
        assert f"{BASE}{_path(document)}" in old and f"KFS {document.kfs_year}:{document.kfs_number}" in old


def test_an_address_with_another_type_redirects_to_the_documents_own(client, app):
    document = _public(app)[0]
    wrong = f"/kfs/vallentuna/taxa/{document.kfs_year}/{document.kfs_number}"
    response = client.get(wrong + "/version/1")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(_path(document) + "/version/1")


@pytest.mark.parametrize(
    "path, status, words",
    [
        ("/kfs/annan-kommun/strategi/2026/1", 404, ""),
        ("/kfs/vallentuna/strategi/1999/1", 404, ""),
        ("/kfs/vallentuna/strategi/2026/1/gallande/igår", 400, "ÅÅÅÅ-MM-DD"),
        ("/kfs/vallentuna/strategi/2026/1/gallande/1990-01-01", 404, "fanns inte"),
        ("/flode/okant.atom", 404, ""),
        ("/flode/dokument.atom?typ=finnsinte", 400, "finns inte i regelfilen"),
        ("/data/hemligt.csv", 404, ""),
    ],
)
def test_wrong_addresses_get_a_swedish_answer(client, app, path, status, words):
    if "/2026/1" in path:  # the strategy's real number, whatever year the demo was loaded
        strategy = next(d for d in _public(app) if d.type_key == "strategi")
        path = path.replace("/2026/1", f"/{strategy.kfs_year}/{strategy.kfs_number}")
    response = client.get(path)
    assert response.status_code == status
    assert words in response.get_data(as_text=True)


# --- linked data --------------------------------------------------------------------------------


def test_every_public_documents_linked_data_carries_type_date_organ_status_versions_and_relations(client, app):
    with _session(app) as session:
        for document in session.scalars(select(Document).where(Document.status.in_(PUBLIC_STATUSES))):
            work = URIRef(f"{BASE}{_path(document)}")
            graph = _linked_data(client, _path(document))
            assert (work, RDF.type, ELI.LegalResource) in graph
            assert graph.value(work, ELI.type_document) == URIRef(f"{BASE}/regler#typ-{document.type_key}")
            assert str(graph.value(work, ELI.title)) == document.title
            assert str(graph.value(work, SCHEMA.creativeWorkStatus)) == document.status
            assert str(graph.value(work, ELI.id_local)) == f"KFS {document.kfs_year}:{document.kfs_number}"
            in_force = "InForce-inForce" if document.status == "gällande" else "InForce-notInForce"
            assert graph.value(work, ELI.in_force) == ELI[in_force]
            if document.adopted_by:
                organ = graph.value(work, ELI.passed_by)
                assert str(graph.value(organ, URIRef("http://xmlns.com/foaf/0.1/name"))) == document.adopted_by.name
            decided = document.decision.meeting_date if document.decision else document.valid_from
            if decided:
                assert graph.value(work, ELI.date_document) == Literal(decided)
            versions = [
                v
                for v in session.scalars(select(DocumentVersion).where(DocumentVersion.document_id == document.id))
                if v.snapshot["status"] in PUBLIC_STATUSES
            ]
            expressions = set(graph.objects(work, ELI.is_realized_by))
            assert expressions == {URIRef(f"{BASE}{_path(document)}/version/{v.version}") for v in versions}
            for expression in expressions:
                assert (expression, RDF.type, ELI.LegalExpression) in graph
            for relation in session.scalars(
                select(Relation).where((Relation.source_id == document.id) | (Relation.target_id == document.id))
            ).unique():
                outgoing = relation.source_id == document.id
                other = relation.target if outgoing else relation.source
                if other.status not in PUBLIC_STATUSES:
                    continue
                term = RELATION_TERMS[relation.kind][0 if outgoing else 1]
                prefix, name = term.split(":")
                predicate = (ELI if prefix == "eli" else DCTERMS)[name]
                assert (work, predicate, URIRef(f"{BASE}{_path(other)}")) in graph


def test_the_document_page_embeds_the_same_linked_data(client, app):
    document = next(d for d in _public(app) if d.type_key == "strategi")
    html = client.get(_path(document)).get_data(as_text=True)
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert embedded
    graph = Graph().parse(data=embedded.group(1), format="json-ld", base=BASE)
    assert (URIRef(f"{BASE}{_path(document)}"), RDF.type, ELI.LegalResource) in graph


def test_the_seed_cases_documents_carry_the_ks_61_decision_in_their_linked_data(client, app):
    with _session(app) as session:
        case = find_case(session, "ks 2025/32")
        links = session.scalars(select(CaseDocument).where(CaseDocument.case_id == case.id)).all()
        documents = [link.document for link in links if link.document.status in PUBLIC_STATUSES]
        assert documents
        for document in documents:
            graph = _linked_data(client, _path(document))
            decisions = {str(graph.value(d, SCHEMA.name)) for d in graph.objects(None, SCHEMA.subjectOf)}
            assert "KS 2025-04-07 § 61" in decisions
            ks61 = next(d for d in graph.objects(None, SCHEMA.subjectOf) if "§ 61" in str(graph.value(d, SCHEMA.name)))
            assert str(graph.value(ks61, DCTERMS.identifier)) == "KS 2025.032"
            assert "avslår motionen" in str(graph.value(ks61, SCHEMA.text))
            # the decision's address resolves to its place in the ärende
            assert client.get(str(ks61).removeprefix(BASE)).status_code == 302


# --- versions --------------------------------------------------------------------------------


def test_each_version_and_the_text_in_force_on_a_day_have_addresses(fresh_app):
    from registry.services import revise_document

    client = fresh_app.test_client()
    document = next(d for d in _public(fresh_app) if d.type_key == "strategi")
    with _session(fresh_app) as session:
        revise_document(
            session,
            document.id,
            {"title": "Digitaliseringsstrategi 2.0", "expected_version": document.version, "reason": "Reviderad"},
            actor="test",
        )
        session.commit()
    base = _path(document)
    first, second = client.get(f"{base}/version/1"), client.get(f"{base}/version/2")
    assert document.title in first.get_data(as_text=True)
    assert "Digitaliseringsstrategi 2.0" in second.get_data(as_text=True)
    today = dt.date.today().isoformat()
    standing = client.get(f"{base}/gallande/{today}").get_data(as_text=True)
    assert "Digitaliseringsstrategi 2.0" in standing and f"den {today}" in standing
    graph = _linked_data(client, f"{base}/version/2")
    assert (URIRef(f"{BASE}{base}/version/2"), ELI.realizes, URIRef(f"{BASE}{base}")) in graph
    assert client.get(f"{base}/version/9").status_code == 404


def test_a_version_made_while_the_document_was_a_draft_is_not_public(fresh_app):
    from registry.services import register_document, revise_document

    with _session(fresh_app) as session:
        document = register_document(
            session, {"title": "Policy för möten", "type": "policy", "status": "utkast"}, actor="test"
        )
        revise_document(
            session, document.id, {"status": "gällande", "expected_version": 1, "reason": "Antagen"}, actor="test"
        )
        session.commit()
        path = _path(document)
    client = fresh_app.test_client()
    assert client.get(f"{path}/version/1").status_code == 404
    assert client.get(f"{path}/version/2").status_code == 200


# --- what the public cannot see, channel by channel ------------------------------------------------


def _unpublish_one(app) -> Document:
    from registry.services.documents import unpublish_document

    document = next(d for d in _public(app) if d.type_key == "checklista")
    with _session(app) as session:
        unpublish_document(session, document.id, actor="test", reason="Fel version publicerad")
        session.commit()
    return document


CHANNELS = [
    "/flode/dokument.atom",
    "/flode/upphavda.atom",
    "/flode/beslut.atom",
    "/sitemap.xml",
    "/kfs/vallentuna?visa=alla",
    "/data/dokument.csv",
    "/data/versioner.jsonl",
    "/data/relationer.csv",
    "/data/katalog",
]


@pytest.mark.parametrize("channel", CHANNELS)
def test_no_channel_shows_a_draft_or_an_unpublished_document(fresh_app, channel):
    hidden = _unpublish_one(fresh_app)
    draft = next(d for d in _documents(fresh_app) if d.title == DRAFT_TITLE)
    body = fresh_app.test_client().get(channel).get_data(as_text=True)
    for document in (hidden, draft):
        assert document.id not in body
        assert document.title not in body
    assert _path(hidden) not in body
    if channel.startswith("/data/dokument"):
        assert next(d for d in _public(fresh_app)).id in body  # the channel is not simply empty


def test_an_unpublished_documents_address_is_gone_for_the_public_and_a_culled_one_answers_410(fresh_app):
    from registry.services.culling import cull_document
    from registry.services.documents import repeal_document

    hidden = _unpublish_one(fresh_app)
    client = fresh_app.test_client()
    assert client.get(_path(hidden)).status_code == 404
    assert client.get(_path(hidden), headers=LD).status_code == 404
    target = next(d for d in _public(fresh_app) if d.type_key == "vägledning")
    with _session(fresh_app) as session:
        repeal_document(session, target.id, actor="test", reason="Upphävd")
        cull_document(session, target.id, {"decision_reference": "KS 2026-11-02 § 140 (gallringsbeslut)"}, actor="test")
        session.commit()
    response = client.get(_path(target))
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert (
        target.title in page and "KS 2026-11-02 § 140" in page and f"KFS {target.kfs_year}:{target.kfs_number}" in page
    )


# --- feeds and sitemap -------------------------------------------------------------------------


def _feed(client, path: str):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def test_the_document_feed_lists_exactly_the_public_versions_with_stable_ids(client, app):
    parsed = _feed(client, "/flode/dokument.atom")
    with _session(app) as session:
        expected = {
            f"{BASE}{_path(v.document)}/version/{v.version}": v
            for v in session.scalars(select(DocumentVersion).join(Document).where(Document.status.in_(PUBLIC_STATUSES)))
            if v.snapshot["status"] in PUBLIC_STATUSES
        }
        assert {e.id for e in parsed.entries} == set(expected)
        for entry in parsed.entries:
            version = expected[entry.id]
            moment = version.changed_at if version.changed_at.tzinfo else version.changed_at.replace(tzinfo=dt.UTC)
            assert dt.datetime(*entry.updated_parsed[:6], tzinfo=dt.UTC) == moment.replace(microsecond=0)
            assert entry.link == entry.id
    assert [e.id for e in _feed(client, "/flode/dokument.atom").entries] == [e.id for e in parsed.entries]


def test_feeds_narrow_by_type_and_organ(client, app):
    by_type = _feed(client, "/flode/dokument.atom?typ=checklista")
    assert by_type.entries and all("/checklista/" in e.id for e in by_type.entries)
    by_organ = _feed(client, "/flode/dokument.atom?organ=KLK")
    klk = {_path(d) for d in _public(app) if d.adopted_by and d.adopted_by.key == "KLK"}
    assert by_organ.entries and {e.id.removeprefix(BASE).split("/version/")[0] for e in by_organ.entries} == klk
    decisions = _feed(client, "/flode/beslut.atom?organ=KS")
    assert [e.title.split(":")[0] for e in decisions.entries] == ["KS 2025-04-07 § 61"]


def test_a_repeal_appears_in_the_repeals_feed(fresh_app):
    from registry.services.documents import repeal_document

    client = fresh_app.test_client()
    assert _feed(client, "/flode/upphavda.atom").entries == []
    target = next(d for d in _public(fresh_app) if d.type_key == "vägledning")
    with _session(fresh_app) as session:
        repeal_document(session, target.id, actor="test", reason="Ersätts inte")
        session.commit()
    entries = _feed(client, "/flode/upphavda.atom").entries
    assert [e.title for e in entries] == [f"Upphävt: {target.title}"]
    assert entries[0].id.endswith(f"{_path(target)}/version/2")


def test_pages_announce_the_feeds_and_the_sitemap_lists_every_stable_address(client, app):
    html = client.get("/").get_data(as_text=True)
    feeds = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)"', html)
    assert len(feeds) == 3
    for href in feeds:
        _feed(client, href)
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    locations = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    assert {f"{BASE}{_path(d)}" for d in _public(app)} <= locations
    assert "Sitemap: http://localhost/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)


# --- the catalogue ------------------------------------------------------------------------------


def test_the_catalogue_has_every_mandatory_dcat_ap_se_property_and_its_links_answer(databases, tmp_path):
    from tests.support.web import build_app

    app = build_app(databases.fresh_url(), tmp_path, STYRDOK_CONTACT_EMAIL="registrator@kommun.example")
    client = app.test_client()
    xml = client.get("/data/katalog")
    assert xml.mimetype == "application/rdf+xml"
    graph = Graph().parse(data=xml.data, format="xml")
    assert gaps(graph) == []
    turtle = client.get("/data/katalog", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle"
    assert len(Graph().parse(data=turtle.data, format="turtle")) == len(graph)
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    formats = {
        str(graph.value(d, DCTERMS["format"])).rsplit("/", 1)[1] for d in graph.objects(dataset, DCAT.distribution)
    }
    assert {"CSV", "JSON", "JSON_LD", "ATOM"} <= formats
    for link in [*graph.objects(None, DCAT.downloadURL), *graph.objects(None, DCAT.accessURL)]:
        assert client.get(str(link).removeprefix(BASE)).status_code == 200, link
    app.extensions["styrdok"]["engine"].dispose()


def test_without_a_contact_email_the_catalogue_misses_only_a_recommended_property(client):
    graph = Graph().parse(data=client.get("/data/katalog").data, format="xml")
    assert [(severity, prop) for severity, _, prop in gaps(graph)] == [("rekommenderad", "vcard:hasEmail")]


def test_the_profile_check_notices_a_missing_mandatory_property(client):
    graph = Graph().parse(data=client.get("/data/katalog").data, format="xml")
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    graph.remove((dataset, DCTERMS.publisher, None))
    assert ("obligatorisk", str(dataset), "dcterms:publisher") in gaps(graph)


# --- bulk open data --------------------------------------------------------------------------


def test_the_bulk_download_holds_the_public_register_and_no_personal_data(fresh_app):
    from registry.services import revise_document

    app, client = fresh_app, fresh_app.test_client()
    document = next(d for d in _public(app) if d.type_key == "strategi")
    with _session(app) as session:  # a person as dokumentansvarig: never in the open data
        revise_document(
            session,
            document.id,
            {"owner": "Anna Andersson", "expected_version": document.version, "reason": "Ny ansvarig"},
            actor="test",
        )
        session.commit()
    archive = zipfile.ZipFile(io.BytesIO(client.get("/data/oppna-data-csv.zip").data))
    names = set(archive.namelist())
    assert names == {"dokument.csv", "versioner.csv", "beslut.csv", "relationer.csv", "datapackage.json", "LICENS.txt"}
    package = json.loads(archive.read("datapackage.json"))
    assert package["licenses"][0]["name"] == "CC0-1.0"
    for resource in package["resources"]:
        rows = list(csv.DictReader(io.StringIO(archive.read(resource["path"]).decode("utf-8"))))
        header = list(csv.reader(io.StringIO(archive.read(resource["path"]).decode("utf-8"))))[0]
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        if resource["name"] == "dokument":
            assert {r["id"] for r in rows} == {d.id for d in _public(app)}
    everything = " ".join(archive.read(n).decode("utf-8") for n in names)
    for personal in ("Rebecka", "Rasmus", "cli:", "dokumentansvarig"):
        assert personal not in everything
    assert "Anna Andersson" not in everything
    assert document.title in everything  # the document itself is there
    jsonl = zipfile.ZipFile(io.BytesIO(client.get("/data/oppna-data-jsonl.zip").data))
    documents = [json.loads(line) for line in jsonl.read("dokument.jsonl").decode("utf-8").splitlines()]
    assert {d["id"] for d in documents} == {d.id for d in _public(app)}


def test_a_title_a_spreadsheet_would_run_is_text_in_the_csv_and_as_written_in_json_lines(fresh_app):
    """The one formula guard covers the open-data tables too (a public title is anyone's input)."""
    from registry.services import revise_document

    document = next(d for d in _public(fresh_app) if d.type_key == "strategi")
    hostile = '=HYPERLINK("http://exempel.invalid","Klicka")'
    with _session(fresh_app) as session:
        revise_document(
            session, document.id, {"title": hostile, "expected_version": document.version, "reason": "Test"}, actor="t"
        )
        session.commit()
    client = fresh_app.test_client()
    rows = list(csv.DictReader(io.StringIO(client.get("/data/dokument.csv").get_data(as_text=True))))
    assert next(r for r in rows if r["id"] == document.id)["titel"] == "'" + hostile
    lines = client.get("/data/dokument.jsonl").get_data(as_text=True).splitlines()
    assert next(json.loads(line) for line in lines if document.id in line)["titel"] == hostile


def test_the_collection_lists_documents_in_kfs_order(client, app):
    html = client.get("/kfs/vallentuna?visa=alla").get_data(as_text=True)
    shown = re.findall(r"KFS (\d{4}):(\d+)", html)
    assert [(int(y), int(n)) for y, n in shown] == sorted((d.kfs_year, d.kfs_number) for d in _public(app))
    in_force = client.get("/kfs/vallentuna").get_data(as_text=True)
    assert "Riktlinjer för informations- och cybersäkerhet" not in in_force  # under beredning
    assert "Riktlinjer för informations- och cybersäkerhet" in html
    about = client.get("/om/registret").get_data(as_text=True)
    assert "Så citerar du" in about and "/kfs/vallentuna/" in about


# --- conditional GET ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/kfs/vallentuna", "/flode/dokument.atom", "/data/katalog", "/sitemap.xml"])
def test_a_conditional_get_answers_304_until_the_register_changes(fresh_app, path):
    from registry.services import revise_document

    client = fresh_app.test_client()
    first = client.get(path)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    document = next(d for d in _public(fresh_app) if d.type_key == "strategi")
    with _session(fresh_app) as session:
        revise_document(
            session,
            document.id,
            {"title": "Ny digitaliseringsstrategi", "expected_version": document.version, "reason": "Ändrad"},
            actor="test",
        )
        session.commit()
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    current = client.get(path).data
    # 304 exactly when what the path shows is unchanged (the catalogue and the sitemap show dates)
    assert again.status_code == (304 if current == first.data else 200)
    if path in ("/", "/kfs/vallentuna", "/flode/dokument.atom"):
        assert again.status_code == 200 and "Ny digitaliseringsstrategi" in again.get_data(as_text=True)


def test_a_logged_in_reader_gets_no_shared_cache_validators(app):
    from tests.support.web import login

    client = app.test_client()
    login(client, "registrator")
    assert "ETag" not in client.get("/").headers
