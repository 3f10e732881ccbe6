"""The auditors' overview at /rapporter: pictures drawn on the server as SVG, each with the same
numbers in a table beside it (issue 15, in part)."""

from __future__ import annotations

import datetime as dt
import re

from tests.support.web import login


def _register(app, **fields):
    from registry.services import register_document
    from registry.services.findings import assessment_hook

    with app.extensions["styrdok"]["sessions"]() as session:
        register_document(session, fields, actor="t", after_change=assessment_hook(app.config["STYRDOK_SETTINGS"]))
        session.commit()


def test_the_overview_draws_findings_and_reviews_with_their_numbers(fresh_app):
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    _register(
        fresh_app,
        title="Policy för representation",
        type="policy",
        status="gällande",
        adopted_by="KLK",
        full_text="Policyn anger förhållningssätt och värderingar.",
        next_review_on=yesterday,
    )
    client = fresh_app.test_client()
    login(client, "revisor")
    html = client.get("/rapporter").get_data(as_text=True)
    title = re.search(r'<title id="by-type-svg-title">([^<]+)</title>', html).group(1)
    assert "Policy 1" in title or re.search(r"Policy \d", title)
    row = re.search(r'<th scope="row"><a href="/\?typ=policy">Policy</a></th><td>(\d+)</td>', html)
    assert row and int(row.group(1)) >= 1  # the error: adopted by the wrong organ
    assert 'class="bar-error"' in html
    organs = re.search(r'<title id="by-organ-svg-title">([^<]+)</title>', html).group(1)
    assert "KLK" in organs
    reviews = re.search(r'<title id="reviews-svg-title">([^<]+)</title>', html).group(1)
    assert "försenade 1" in reviews
    for name in ("overlaps", "violations", "reviews", "hygiene"):
        assert f'href="/rapporter/{name}"' in html


def test_an_ended_documents_findings_are_not_counted(fresh_app):
    from registry.services.documents import repeal_document

    _register(fresh_app, title="Policy för lokaler", type="policy", status="gällande", adopted_by="KLK")
    client = fresh_app.test_client()
    login(client, "revisor")
    before = client.get("/rapporter").get_data(as_text=True)
    assert "Policy" in re.search(r'<title id="by-type-svg-title">([^<]+)</title>', before).group(1)
    from sqlalchemy import select

    from registry.models import Document

    with fresh_app.extensions["styrdok"]["sessions"]() as session:
        document_id = session.scalar(select(Document.id).where(Document.title == "Policy för lokaler"))
        repeal_document(session, document_id, actor="t", reason="Upphävd")
        session.commit()
    after = client.get("/rapporter").get_data(as_text=True)
    assert "Inga öppna avvikelser" in after


def test_the_overlap_groups_are_drawn_as_a_network_with_the_table_beside_it(fresh_app):
    import html as html_module
    import shutil

    client = fresh_app.test_client()
    login(client, "revisor")
    page = client.get("/rapporter").get_data(as_text=True)
    section = page[page.index('id="overlaps-h"') :]
    section = section[: section.index("</section>")]
    rows = re.findall(r"<tr><td>(\d+)</td><th scope=\"row\"><a href=\"/dokument/([^\"]+)\">", section)
    assert rows, "the overlapping pairs are listed in a table"
    percentages = re.findall(r"<td>(\d+) %</td></tr>", section)
    assert len(percentages) == len(rows) and all(0 < int(p) <= 100 for p in percentages)
    if shutil.which("dot") is None:
        return  # the table alone, without Graphviz
    svg = html_module.unescape(re.search(r"<svg.*?</svg>", section, re.S).group(0))
    for _, document_id in rows:
        assert f'href="/dokument/{document_id}"' in svg  # every document in a pair is a node and a link
    assert f"{percentages[0]} %" in svg  # the edges carry the likhet


def test_the_network_follows_the_register(fresh_app):
    """Kept per state of the register: a relation that explains a pair takes it out at once."""
    from registry.services.relations import link_documents

    client = fresh_app.test_client()
    login(client, "revisor")
    before = client.get("/rapporter").get_data(as_text=True)
    pair = re.search(
        r'<tr><td>\d+</td><th scope="row"><a href="/dokument/([^"]+)">[^<]+</a></th><td><a href="/dokument/([^"]+)">',
        before,
    )
    first, second = pair.group(1), pair.group(2)
    with fresh_app.extensions["styrdok"]["sessions"]() as session:
        link_documents(session, {"source": first, "target": second, "kind": "konkretiserar"}, actor="t")
        session.commit()
    after = client.get("/rapporter").get_data(as_text=True)
    assert f'href="/dokument/{first}">' in after
    assert not re.search(
        rf'<th scope="row"><a href="/dokument/{first}">[^<]+</a></th><td><a href="/dokument/{second}">', after
    )
