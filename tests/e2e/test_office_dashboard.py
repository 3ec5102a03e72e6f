"""The office's dashboard in a real browser: staff choose a period, read the charts' text
alternatives and tables, download a CSV whose accents survive, open the audit log; axe-core finds
no serious or critical violation, and the strict Content-Security-Policy blocks nothing."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, sideways_overflow
from tests.office.builders import world

pytestmark = pytest.mark.e2e


def test_dashboard_charts_tables_csv_and_audit_log(page, browser, live_server, make_user, assert_accessible,
                                                   tmp_path):
    world(people=30)
    staff = make_user("staff", name="Agnès Lebrun")
    log_in(page, staff)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/office/")
    page.locator(".staff-sections").get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", level=1, name="Tableau de bord de l'office")).to_be_visible()

    page.get_by_label("Période", exact=True).select_option("year:2026")
    page.get_by_label("Tranche d'âge", exact=True).select_option("all")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", name="Taux de certification — année 2026")).to_be_visible()
    # Each chart is an image named by its title and described by its finding, then its numbers.
    chart = page.get_by_role("img", name="Taux de certification par tranche d'âge")
    expect(chart).to_be_visible()
    # The page links its charts (drawn by their own URL): each image loads under the strict CSP,
    # and its finding is the figure's caption.
    page.wait_for_function("() => [...document.querySelectorAll('img.chart-svg')]"
                           ".every(image => image.complete && image.naturalWidth > 0)", timeout=90_000)
    expect(page.locator("#chart-rates_age figcaption")).to_contain_text("le taux le plus élevé")
    table = page.get_by_role("table", name="Taux de certification par tranche d'âge")
    expect(table.get_by_role("rowheader", name="Adolescents")).to_be_visible()
    expect(page.get_by_role("img", name="Parcours des inscrits")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger ces chiffres (CSV) : "
                                      "Taux de certification par tranche d'âge").click()
    path = tmp_path / "rates.csv"
    download_info.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Tranche d'âge" and rows[0][-1] == "Évolution (points)"
    assert [row[0] for row in rows[1:]] == ["Enfants", "Adolescents", "Adultes", "Ensemble"]

    # A phone: nothing wider than the screen, the tables scroll inside their own box; a chart keeps
    # a width where its labels stay legible (36rem) and scrolls sideways in its own frame.
    page.set_viewport_size({"width": 390, "height": 844})
    assert sideways_overflow(page) <= 0
    frame = page.locator("#chart-rates_age .chart-drawing")
    assert frame.locator(".chart-svg").evaluate("drawing => drawing.getBoundingClientRect().width") >= 576
    assert frame.evaluate("frame => frame.scrollWidth > frame.clientWidth")
    expect(page.get_by_role("region", name="Graphique : Taux de certification par tranche d'âge")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Office").get_by_role("link", name="Journal d'audit").click()
    expect(page.get_by_role("heading", level=1, name="Journal d'audit")).to_be_visible()
    page.get_by_label("Du").fill("2030-01-02")
    page.get_by_label("Au (inclus)").fill("2030-01-01")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("alert")).to_contain_text("La date de début est après la date de fin.")
    assert_accessible(page)

    # The same page without the test's CSP bypass: the inline charts need no inline style.
    context = browser.new_context(base_url=live_server, locale="fr-FR")
    strict = context.new_page()
    blocked = []
    strict.on("console", lambda message: blocked.append(message.text)
              if "Content Security Policy" in message.text else None)
    log_in(strict, staff)
    strict.goto("/office/dashboard/?period=year:2026")
    expect(strict.get_by_role("img", name="Parcours des inscrits")).to_be_visible()
    context.close()
    assert blocked == []
