"""Every page in real Chromium: axe (WCAG 2.1 A and AA) in empty, filled, error and conflict
states, keyboard-only use, and 320 px width. With STYRDOK_SCREENSHOTS=folder every view is saved
there for people to look at."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from benchmarks.docmaker import make_docx
from benchmarks.pdfmaker import Text, make_pdf
from registry.services.demo import demo_motion_text
from tests.browser.conftest import log_in
from tests.support.paths import PG_URL, SEED_CASE_FILE

DOC = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d01"
#: Violations only: what passed is not read, and leaving it out halves each run.
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
AXE = Axe()
SAVE_SCREENSHOTS = bool(os.environ.get("STYRDOK_SCREENSHOTS"))


def assert_accessible(page, name: str, screenshots) -> None:
    """axe finds no WCAG 2.1 A/AA violation. The page is saved as a picture when it has one, and
    always when STYRDOK_SCREENSHOTS names a folder (to look at the pages; a full-page picture
    costs a third of a second, times some 230 views)."""
    results = AXE.run(page, options=WCAG)
    picture = screenshots / f"{name}.png"
    if SAVE_SCREENSHOTS or results.violations_count:
        page.screenshot(path=str(picture), full_page=True)
    assert results.violations_count == 0, f"{name} ({picture}):\n{results.generate_report()}"


def _prova_result(page, base):
    page.goto(f"{base}/prova")
    page.fill("#text", demo_motion_text())
    page.click(".try-form button[type=submit]")
    page.wait_for_selector("#result")


def _prova_error(page, base):
    page.goto(f"{base}/prova")
    page.click(".try-form button[type=submit]")
    page.wait_for_selector("#error-summary")


def _form_error(page, base):
    page.goto(f"{base}/dokument/ny")
    page.select_option("#type", "strategi")  # no title: the one required field
    page.click("button[name=action][value=spara]")
    page.wait_for_selector("#error-summary")


def _form_confirm(page, base):
    page.goto(f"{base}/dokument/ny")
    page.fill("#title", "Policy för representation")
    page.select_option("#type", "policy")
    page.select_option("#status", "gällande")
    page.select_option("#adopted_by", "KLK")
    page.click("button[name=action][value=spara]")
    page.wait_for_selector("#confirm-errors")
    for _ in range(50):  # the question takes focus, so it is not missed below the form
        if page.evaluate("document.activeElement.id") == "confirm-errors":
            break
        page.wait_for_timeout(50)
    assert page.evaluate("document.activeElement.id") == "confirm-errors"


def _form_filled(page, base):
    page.goto(f"{base}/dokument/ny")
    page.fill("#title", "Strategi med riktlinjer för AI")
    page.select_option("#type", "strategi")
    page.fill("#full_text", "Hur ska AI användas? Inom vilka områden är AI olämpligt att användas?")
    page.wait_for_selector("#live-findings .finding", timeout=10_000)


def _import(page, base, files):
    """Upload files on /importera and land on the review of the first."""
    page.goto(f"{base}/importera")
    page.set_input_files("#filer", files)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/importera/*/1")


def _import_document(page, base):
    _import(
        page,
        base,
        [
            {
                "name": "parkering.docx",
                "mimeType": "application/octet-stream",
                "buffer": make_docx(
                    "Riktlinjer för parkering",
                    meta=["Antagen av kommunstyrelsen 2021-03-12, § 30"],
                    sections=[("Syfte", ["Riktlinjerna anger ramarna för parkering."])],
                    numbered=["Avgift i centrum."],
                ),
            }
        ],
    )


def _import_pdf(page, base):
    pdf = make_pdf(
        [
            [
                Text("Riktlinjer för snöröjning", y=760, size=18, bold=True),
                Text("Antagen av kommunstyrelsen 2024-11-04, § 120", y=720),
                Text("1. Gång- och cykelvägar plogas först.", y=680),
                Text("2. Bussgator plogas därefter.", y=660),
            ]
        ]
    )
    _import(page, base, [{"name": "snorojning.pdf", "mimeType": "application/pdf", "buffer": pdf}])
    page.wait_for_function("document.querySelector('.original-pictures img').complete")


def _import_case(page, base):
    _import(page, base, [{"name": "protokoll.txt", "mimeType": "text/plain", "buffer": SEED_CASE_FILE.read_bytes()}])


def _import_problem(page, base):
    _import(page, base, [{"name": "skannad.pdf", "mimeType": "application/pdf", "buffer": make_pdf([[]])}])


def _import_error(page, base):
    page.goto(f"{base}/importera")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#error-summary")


def _login_error(page, base):
    page.goto(f"{base}/logga-in")
    page.fill("#username", "ingen")
    page.fill("#password", "fel")
    page.click(".login-form button[type=submit]")
    page.wait_for_selector("#error-summary")


def _stable_address(page, base, suffix: str = "") -> None:
    """The strategy at its /kfs/ address (its number depends on the year the demo was loaded)."""
    page.goto(f"{base}/dokument/{DOC}")
    href = page.get_attribute("link[rel=canonical]", "href")
    page.goto(href + suffix)


PUBLIC_STATES = {
    "register": lambda p, b: p.goto(f"{b}/"),
    "register-empty": lambda p, b: p.goto(f"{b}/?q=finns-inte-alls"),
    "document": lambda p, b: p.goto(f"{b}/dokument/{DOC}"),
    "case": lambda p, b: p.goto(f"{b}/arenden/KS 2025.032"),
    "prova-empty": lambda p, b: p.goto(f"{b}/prova"),
    "prova-result": _prova_result,
    "prova-error": _prova_error,
    "rules": lambda p, b: p.goto(f"{b}/regler"),
    "accessibility": lambda p, b: p.goto(f"{b}/om/tillganglighet"),
    "login": lambda p, b: p.goto(f"{b}/logga-in"),
    "login-error": _login_error,
    "api-docs": lambda p, b: p.goto(f"{b}/api/docs"),
    "not-found": lambda p, b: p.goto(f"{b}/finns-inte"),
    "kfs-collection": lambda p, b: p.goto(f"{b}/kfs/vallentuna?visa=alla"),
    "kfs-collection-empty": lambda p, b: p.goto(f"{b}/kfs/vallentuna?typ=taxa"),
    "kfs-document": _stable_address,
    "kfs-version": lambda p, b: _stable_address(p, b, "/version/1"),
    "kfs-in-force": lambda p, b: _stable_address(p, b, f"/gallande/{dt.date.today()}"),
    "kfs-gone-date": lambda p, b: _stable_address(p, b, "/gallande/1990-01-01"),
    "about-register": lambda p, b: p.goto(f"{b}/om/registret"),
    "cases": lambda p, b: p.goto(f"{b}/arenden"),
    "cases-empty": lambda p, b: p.goto(f"{b}/arenden?organ=KF"),
    "search-by-dnr": lambda p, b: p.goto(f"{b}/?q=ks+2025/32"),
    "compare-one-version": lambda p, b: p.goto(f"{b}/dokument/{DOC}/jamfor"),
}


def _api_key_made(page, base):
    page.goto(f"{base}/admin/nycklar")
    page.fill("#name", "Intranätet")
    page.click("button[value=skapa]")
    assert page.input_value("#new-key-value").startswith("sdk_")


STAFF_STATES = {
    "form-empty": lambda p, b: p.goto(f"{b}/dokument/ny"),
    "form-filled-live-findings": _form_filled,
    "form-error": _form_error,
    "form-confirm-errors": _form_confirm,
    "repeal-form": lambda p, b: p.goto(f"{b}/dokument/7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d03/upphav"),
    "supersede-form": lambda p, b: p.goto(f"{b}/dokument/7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d04/ersatt"),
    "edit": lambda p, b: p.goto(f"{b}/dokument/{DOC}/redigera"),
    "audit-trail": lambda p, b: p.goto(f"{b}/granskning"),
    "audit-trail-filtered": lambda p, b: p.goto(f"{b}/granskning?handelse=inloggning"),
    "users": lambda p, b: p.goto(f"{b}/admin/anvandare"),
    "api-keys": lambda p, b: p.goto(f"{b}/admin/nycklar"),
    "api-key-made": _api_key_made,
    "reports": lambda p, b: p.goto(f"{b}/rapporter"),
    "report-overlaps": lambda p, b: p.goto(f"{b}/rapporter/overlaps"),
    "report-violations": lambda p, b: p.goto(f"{b}/rapporter/violations"),
    "report-reviews-empty": lambda p, b: p.goto(f"{b}/rapporter/reviews"),
    "cull-not-ended": lambda p, b: p.goto(f"{b}/dokument/{DOC}/gallra"),
    "import-empty": lambda p, b: p.goto(f"{b}/importera"),
    "import-error": _import_error,
    "import-review-document": _import_document,
    "import-review-pdf": _import_pdf,
    "import-review-case": _import_case,
    "import-review-problem": _import_problem,
}


#: Every page in every state, at a desktop's and a small phone's width, in both languages. The
#: pages are rendered the same whatever the database, so on PostgreSQL the Swedish desktop pages
#: are checked (the full stack), and the other three views on SQLite.
VIEWS = [("sv", 1280), ("en", 1280), ("sv", 320), ("en", 320)]


@pytest.fixture(params=VIEWS, ids=[f"{language}-{width}" for language, width in VIEWS])
def view(request, browser, signed_in):
    """Opens a page in the view's language and width, as a visitor or signed in as a user."""
    language, width = request.param
    if PG_URL and (language, width) != ("sv", 1280):
        pytest.skip("languages and widths are checked on SQLite; PostgreSQL checks the Swedish desktop pages")
    contexts = []

    def open_as(username: str | None):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="sv-SE", storage_state=signed_in(username, language)
        )
        contexts.append(context)
        return context.new_page()

    yield open_as, language, width
    for context in contexts:
        context.close()


def _check_view(page, language: str, width: int, name: str, screenshots) -> None:
    assert page.get_attribute("html", "lang") == language
    if width < 400:
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} rullar i sidled {overflow} px vid {width} px"
    suffix = ("" if language == "sv" else f"-{language}") + ("" if width >= 1000 else f"-{width}")
    assert_accessible(page, name + suffix, screenshots)


@pytest.mark.parametrize("name", list(PUBLIC_STATES))
def test_public_pages_pass_axe(view, live_server, screenshots, name):
    open_as, language, width = view
    page = open_as(None)
    PUBLIC_STATES[name](page, live_server)
    _check_view(page, language, width, name, screenshots)


@pytest.mark.parametrize("name", list(STAFF_STATES))
def test_staff_pages_pass_axe(view, live_server, screenshots, name):
    open_as, language, width = view
    page = open_as("admin")
    STAFF_STATES[name](page, live_server)
    _check_view(page, language, width, name, screenshots)


def test_conflict_state_passes_axe(browser, live_server, screenshots):
    first = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    second = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(first, live_server, "registrator")
    log_in(second, live_server, "admin")
    guide = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d05"
    first.goto(f"{live_server}/dokument/{guide}/redigera")
    second.goto(f"{live_server}/dokument/{guide}/redigera")
    second.fill("#owner", "Kanslienheten")
    second.fill("#reason", "Ny ägare")
    second.click("button:has-text('Spara ny version')")
    second.wait_for_url(f"{live_server}/dokument/{guide}")
    first.fill("#owner", "Staben")
    first.fill("#reason", "Annan ägare")
    first.click("button:has-text('Spara ny version')")
    first.wait_for_selector("#conflict")
    assert "Kanslienheten" in first.inner_text("#conflict") and "Staben" in first.inner_text("#conflict")
    assert_accessible(first, "form-conflict", screenshots)


NAV = [
    ("Prova en motion", "/prova"),
    ("Regler", "/regler"),
    ("Tillgänglighetsredogörelse", "/om/tillganglighet"),
    ("Logga in", "/logga-in"),
    ("Registret", "/"),
]


def _tab_to(page, text: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.textContent.trim()")
        if focused == text:
            return
    raise AssertionError(f"Kom aldrig fram till ”{text}” med Tab")


def test_skip_link_comes_first_and_moves_focus(page, live_server):
    page.goto(f"{live_server}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Till huvudinnehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("label, path", NAV)
def test_every_page_is_reachable_with_the_keyboard(page, live_server, label, path):
    page.goto(f"{live_server}/dokument/{DOC}")
    _tab_to(page, label)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.split("?")[0] == f"{live_server}{path}"


def test_a_motion_can_be_checked_with_the_keyboard_alone(page, live_server):
    page.goto(f"{live_server}/prova")
    _tab_to(page, "Prova en motion")
    page.keyboard.press("Tab")
    for _ in range(12):
        if page.evaluate("document.activeElement.id") == "text":
            break
        page.keyboard.press("Tab")
    page.keyboard.insert_text(demo_motion_text())
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Bedöm":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#result")
    assert "Typen stämmer inte med definitionerna" in page.inner_text("#result")


def test_a_document_can_be_registered_with_the_keyboard_alone(browser, live_server):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server, "registrator")
    page.goto(f"{live_server}/dokument/ny")
    page.focus("#title")
    page.keyboard.type("Riktlinjer för tangentbord")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # the type select moves to its first type
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Registrera":
            break
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Riktlinjer för tangentbord')")


def test_the_seed_motion_gets_a_suggested_att_sats_that_can_be_copied(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    _prova_result(page, live_server)
    suggestion = page.inner_text("#suggested-request")
    assert suggestion == "att ge kommunstyrelsen i uppdrag att ta fram riktlinjer för artificiell intelligens"
    page.bring_to_front()  # the clipboard answers only a focused page
    page.click("button:has-text('Kopiera att-satsen')")
    # expect() polls from Playwright's side: a wait_for_function string would be an eval, which
    # the page's CSP (script-src 'self') refuses in newer Chromium.

    expect(page.locator("#copy-status")).to_have_text("Att-satsen är kopierad.")
    assert page.evaluate("navigator.clipboard.readText()") == suggestion
    context.close()


@pytest.mark.parametrize("suffix", ["", "/version/1", f"/gallande/{dt.date.today()}"])
def test_stable_addresses_are_usable_at_320_px(browser, live_server, screenshots, suffix):
    page = browser.new_context(viewport={"width": 320, "height": 800}).new_page()
    _stable_address(page, live_server, suffix)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    name = "320-kfs-document" + suffix.replace("/", "-")
    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
    assert overflow <= 0, f"{page.url} rullar i sidled {overflow} px vid 320 px"


# --- journeys (issue 15): each as its user goes through it ----------------------------------------


def test_a_visitor_finds_the_seed_case_by_its_dnr_and_opens_it(page, live_server, screenshots):
    page.goto(f"{live_server}/")
    page.fill("#q", "ks 2025/32")
    page.click("button:has-text('Filtrera')")
    page.click(".case-hit a")
    page.wait_for_selector("h1:has-text('Motion (V) om att införa en kommunal strategi för artificiell intelligens')")
    assert "KS 2025-04-07 § 61" in page.inner_text("main")
    assert_accessible(page, "journey-case-by-dnr", screenshots)


def test_a_registrator_repeals_and_supersedes_with_their_decisions(browser, fresh_live_server, screenshots):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    base = fresh_live_server
    log_in(page, base, "registrator")
    guide, checklist = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d03", "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d04"
    page.goto(f"{base}/dokument/{guide}")
    page.click("a:has-text('Upphäv…')")
    page.select_option("#body", "KS")
    page.fill("#meeting_date", "2026-11-02")
    page.fill("#paragraph", "140")
    page.fill("#dnr", "KS 2026.140")
    page.click("button:has-text('Upphäv dokumentet')")
    page.wait_for_selector(".ended")
    assert "Upphävt den 2026-11-02" in page.inner_text(".ended")
    assert_accessible(page, "journey-repealed", screenshots)
    page.goto(f"{base}/dokument/{checklist}")
    page.click("a:has-text('Ersätts av…')")
    page.select_option("#new_id", DOC)
    page.click("button:has-text('Markera som ersatt')")
    page.wait_for_selector(".ended")
    assert "Ersätts av Digitaliseringsstrategi för Vallentuna kommun" in page.inner_text(".ended")
    assert_accessible(page, "journey-superseded", screenshots)


def test_a_visitor_compares_two_versions(browser, fresh_live_server, screenshots):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    base = fresh_live_server
    log_in(page, base, "registrator")
    page.goto(f"{base}/dokument/{DOC}/redigera")
    page.fill("#title", "Digitaliseringsstrategi för Vallentuna kommun 2026–2030")
    page.fill("#reason", "Reviderad")
    page.click("button:has-text('Spara ny version')")
    page.wait_for_selector(".flash-success")
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(f"{base}/dokument/{DOC}")
    visitor.click("a:has-text('Jämför versionerna')")
    visitor.wait_for_selector("#compare-summary")
    assert "2026–2030" in visitor.inner_text(".compare ins.diff-added")
    assert_accessible(visitor, "journey-compare", screenshots)


def test_a_registrator_links_two_documents(browser, fresh_live_server, screenshots):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    base = fresh_live_server
    log_in(page, base, "registrator")
    page.goto(f"{base}/dokument/7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d02")
    page.select_option("#relation-kind", "ut:konkretiserar")
    page.select_option("#relation-other", DOC)
    page.fill("#relation-note", "Enligt KS 2025-04-07 § 61")
    page.click("button:has-text('Lägg till relationen')")
    page.wait_for_selector(".flash-success")
    assert "konkretiserar" in page.inner_text("#rel-h + .table-wrap") or "konkretiserar" in page.inner_text("main")
    assert_accessible(page, "journey-linked", screenshots)


def test_a_politician_checks_the_seed_motion_and_the_result_has_focus(page, live_server, screenshots):
    _prova_result(page, live_server)
    for _ in range(50):  # the script runs after load; poll without an eval the CSP would refuse
        if page.evaluate("document.activeElement.id") == "result":
            break
        page.wait_for_timeout(50)
    assert page.evaluate("document.activeElement.id") == "result"
    top = page.evaluate("document.getElementById('result').getBoundingClientRect().top")
    assert -5 <= top < 200  # in view, not below the fold
    assert "Typen stämmer inte med definitionerna" in page.inner_text("#result")
    page.screenshot(path=str(screenshots / "journey-prova-focus.png"))


def test_the_auditors_overview_at_320_px(browser, live_server, screenshots):
    page = browser.new_context(viewport={"width": 320, "height": 800}).new_page()
    log_in(page, live_server, "revisor")
    page.goto(f"{live_server}/rapporter")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=str(screenshots / "320-rapporter.png"), full_page=True)
    assert overflow <= 0, f"/rapporter rullar i sidled {overflow} px vid 320 px"
    assert_accessible(page, "reports-320", screenshots)


@pytest.mark.parametrize("width", [375, 1280])
def test_live_findings_are_read_before_the_save_button(browser, live_server, screenshots, width):
    """On a phone the live findings come above the buttons (they sat below them); on a wide
    screen they stand beside the fields."""
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    log_in(page, live_server, "registrator")
    page.goto(f"{live_server}/dokument/ny")
    page.fill("#title", "Strategi för digitalisering")
    page.select_option("#type", "strategi")
    page.fill("#full_text", "Riktlinjerna anger hur förvaltningen ska arbeta. Medarbetarna ska följa rutinen.")
    expect(page.locator("#live-findings .finding").first).to_be_visible(timeout=10_000)
    findings = page.locator("#live-findings").bounding_box()
    button = page.locator("button[value=spara]").bounding_box()
    title = page.locator("#title").bounding_box()
    page.screenshot(path=str(screenshots / f"form-live-{width}.png"), full_page=True)
    if width < 600:
        assert findings["y"] + findings["height"] <= button["y"], (findings, button)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
    else:
        assert findings["x"] > title["x"] + title["width"] and findings["y"] < button["y"], (findings, title)
    assert_accessible(page, f"form-live-{width}", screenshots)
