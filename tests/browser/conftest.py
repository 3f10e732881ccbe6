"""A live server on a database of its own, and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support.web import build_app

CHROMIUM = os.environ.get("STYRDOK_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        return  # in CI a missing browser must fail, not skip
    skip = pytest.mark.skip(reason=f"Chromium finns inte på {CHROMIUM}; .ci/run installerar det")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


@contextlib.contextmanager
def _serving(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        app.extensions["styrdok"]["engine"].dispose()


@pytest.fixture(scope="session")
def live_server(databases, tmp_path_factory):
    with _serving(build_app(databases.fresh_url(), tmp_path_factory.mktemp("browser-instance"))) as base:
        yield base


@pytest.fixture
def fresh_live_server(databases, tmp_path):
    """A live server on a database of its own, for a journey that changes the register."""
    with _serving(build_app(databases.fresh_url(), tmp_path)) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    folder = os.environ.get("STYRDOK_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_in(page, base: str, username: str) -> None:
    from registry.services.demo import DEMO_PASSWORD

    page.goto(f"{base}/logga-in")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]:has-text('Logga in')")
    page.wait_for_url(f"{base}/")


def in_language(page, base: str, language: str) -> None:
    """Switch the page's session to ``language`` with the footer's button, as a visitor does."""
    if language == "sv":
        return
    page.goto(f"{base}/om/tillganglighet")
    page.click(f"footer button[name=lang][value={language}]")
    page.wait_for_selector(f"html[lang={language}]")


#: A stored sign-in is used for this long, well inside the register's fresh-login window (15 min).
SIGN_IN_REUSED_FOR = 300.0


@pytest.fixture(scope="session")
def signed_in(browser, live_server):
    """The cookies of a browser that has logged in as ``username`` (None: a visitor) and chosen
    ``language``, made once and reused: the page-by-page axe checks then start on their page
    instead of logging in and switching language again for each of some 200 views (the log-in
    itself is a journey of its own, tested below with the keyboard)."""
    made: dict[tuple[str | None, str], tuple[float, dict]] = {}

    def state(username: str | None, language: str) -> dict:
        key = (username, language)
        if key not in made or time.monotonic() - made[key][0] > SIGN_IN_REUSED_FOR:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
            page = context.new_page()
            if username:
                log_in(page, live_server, username)
            in_language(page, live_server, language)
            made[key] = (time.monotonic(), context.storage_state())
            context.close()
        return made[key][1]

    return state
