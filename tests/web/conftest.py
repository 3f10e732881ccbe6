"""Web fixtures: an app on a database of its own with the demo register and demo accounts."""

from __future__ import annotations

import pytest

from tests.support.web import DRAFT_TITLE, api_token, build_app, csrf_of, login  # noqa: F401


@pytest.fixture(scope="module")
def app(databases, tmp_path_factory):
    app = build_app(databases.fresh_url(), tmp_path_factory.mktemp("instance"))
    yield app
    app.extensions["styrdok"]["engine"].dispose()


@pytest.fixture
def fresh_app(databases, tmp_path):
    """An app whose database this test may change."""
    app = build_app(databases.fresh_url(), tmp_path)
    yield app
    app.extensions["styrdok"]["engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()
