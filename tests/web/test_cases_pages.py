"""Finding an ärende: the list of cases with its filters, a search by the dnr as people write
it, and links from every document the case concerns (issue 15, in part)."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("query", ["ks 2025/32", "KS 2025.032", "KS 2025/032", "Dnr KS 2025.032"])
def test_a_search_by_dnr_finds_the_case_and_its_documents(client, query):
    html = client.get("/", query_string={"q": query}).get_data(as_text=True)
    assert 'href="/arenden/KS%202025.032"' in html or 'href="/arenden/KS 2025.032"' in html
    count = int(re.search(r'class="result-count"[^>]*>(\d+)', html).group(1))
    assert count >= 4  # the documents the ärende concerns, not "Inga dokument matchar"
    assert "Digitaliseringsstrategi för Vallentuna kommun" in html


def test_the_case_list_filters_by_organ_year_and_outcome(client):
    everything = client.get("/arenden").get_data(as_text=True)
    assert "Motion (V) om att införa en kommunal strategi för artificiell intelligens" in everything
    assert "KS 2025-04-07 § 61 (förslag till beslut)" in everything
    kept = client.get("/arenden", query_string={"organ": "KS AU", "ar": "2025", "utfall": "förslag till beslut"})
    assert "KS 2025.032" in kept.get_data(as_text=True)
    for narrowed in ({"organ": "KF"}, {"ar": "2019"}, {"utfall": "bifall"}):
        html = client.get("/arenden", query_string=narrowed).get_data(as_text=True)
        assert "0 ärenden" in html and "Inga ärenden med de här valen" in html


def test_nonsense_filters_are_ignored_not_errors(client):
    response = client.get("/arenden", query_string={"ar": "tjugohundra", "utfall": "<script>", "organ": "x" * 500})
    assert response.status_code == 200


def test_every_document_of_the_case_links_to_it(client, app):
    from sqlalchemy import select

    from registry.models import CaseDocument
    from registry.models.vocabulary import PUBLIC_STATUSES

    with app.extensions["styrdok"]["sessions"]() as session:
        documents = [link.document for link in session.scalars(select(CaseDocument))]
        public = [d.id for d in documents if d.status in PUBLIC_STATUSES]
    assert public
    for document_id in public:
        html = client.get(f"/dokument/{document_id}").get_data(as_text=True)
        assert "KS 2025.032</a>" in html
    assert 'href="/arenden"' in client.get("/").get_data(as_text=True)  # in the menu
