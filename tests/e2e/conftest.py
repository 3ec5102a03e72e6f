"""A real browser (Debian's Chromium driven by Playwright) against the app served on 127.0.0.1."""

from __future__ import annotations

import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
# axe-core as bundled by the axe-playwright-python package (test extras): no npm needed.
AXE = Axe()


@pytest.fixture
def live_server(app):
    # Port 0: the system picks a free port as the server binds it, so two xdist workers never race
    # for one. It comes from the ephemeral range (32768+), clear of the ports Chromium refuses.
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app.config["BASE_URL"]
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the test inject axe-core; the app's own pages never need it.
    context = browser.new_context(base_url=live_server, bypass_csp=True, locale="fr-FR",
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.1 A/AA rules) on the current page, once it has loaded."""
    page.wait_for_load_state("load")
    result = AXE.run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}).response
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in impacts
    ]


@pytest.fixture
def assert_accessible():
    def check(page):
        violations = axe_violations(page)
        assert violations == [], f"{page.url}: {violations}"

    return check



def follow(locator):
    """Click a link or a button that loads another page, and return once that page has loaded.
    Checked straight after a bare click, the page could still be the old one, or a document being
    swapped (axe-core then fails reading a null ``documentElement``)."""
    with locator.page.expect_navigation():
        locator.click()


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the screen (0: no sideways scrolling), measured once
    the page and its stylesheets have loaded: after a click that navigates, the new page's text can
    be visible before its CSS applies, when an unstyled drawing is still wider than a phone."""
    page.wait_for_load_state("load")
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def log_in(page, user, password: str | None = None):
    """Sign ``user`` in through the real login form of the page's site."""
    from playwright.sync_api import expect

    from tests.conftest import TEST_PASSWORD

    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(password or TEST_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Vous êtes connecté.")).to_be_visible()
