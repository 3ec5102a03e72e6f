"""The card and the partner's desk in a real browser, checked by axe-core at 390 px: an ambassador
gives a photo and gets their card (which then opens offline), a partner checks it by number and
grants an advantage in one tap, the ambassador reissues the card and the old QR is refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from learnapp.cards import rules as card_rules
from learnapp.cards import services as cards
from tests.e2e.conftest import follow, log_in, sideways_overflow

# The partners' fixtures (levels, make_ambassador, make_partner), shared with this browser test.
from tests.partners.conftest import (  # noqa: F401
    CONFIRMED_ONLY,
    DAILY,
    levels,
    make_ambassador,
    make_partner,
    photo_bytes,
)

pytestmark = pytest.mark.e2e



def check_page(page, assert_accessible):
    assert_accessible(page)
    assert sideways_overflow(page) <= 0, page.url


def test_a_card_is_issued_checked_granted_and_reissued(app, db, page, browser, live_server, tmp_path,
                                                       make_ambassador, make_partner, make_user,  # noqa: F811
                                                       assert_accessible):
    lea = make_ambassador(1, name="Léa Marin")
    _partner, cashier, _offers = make_partner("Musée Anacréon", [DAILY, CONFIRMED_ONLY])
    photo = tmp_path / "moi.jpg"
    photo.write_bytes(photo_bytes())

    # The ambassador gives a photo and gets the card.
    log_in(page, lea)
    page.goto("/card/")
    check_page(page, assert_accessible)
    follow(page.get_by_role("link", name="Ajouter ma photo et recevoir ma carte"))
    check_page(page, assert_accessible)
    page.get_by_label("Votre photo").set_input_files(str(photo))
    page.get_by_role("button", name="Recevoir ma carte").click()
    expect(page.get_by_text("Votre carte est prête.")).to_be_visible()
    expect(page.get_by_role("heading", name="Léa Marin")).to_be_visible()
    expect(page.locator(".ambassador-card-photo")).to_have_js_property("naturalWidth", 600)
    check_page(page, assert_accessible)
    card = cards.current_card(lea)
    number = card_rules.display_number(card.number)
    expect(page.get_by_text(f"N° {number}")).to_be_visible()
    old_qr = card_rules.sign(card.number, app.config["SECRET_KEY"])

    # Opened once, the card shows without a network (from the browser's cache).
    page.goto("/card/")
    page.context.set_offline(True)
    page.goto("/card/")
    expect(page.get_by_text(f"N° {number}")).to_be_visible()
    page.context.set_offline(False)

    # The partner types the number and grants the daily entry in one tap.
    desk_context = browser.new_context(base_url=live_server, locale="fr-FR", bypass_csp=True,
                                       viewport={"width": 390, "height": 844})
    desk = desk_context.new_page()
    log_in(desk, cashier)
    desk.goto("/partners/")
    check_page(desk, assert_accessible)
    desk.get_by_label("Numéro de la carte").first.fill(number.lower())
    desk.get_by_role("button", name="Vérifier").first.click()
    expect(desk.get_by_role("heading", name="Carte valable")).to_be_visible()
    expect(desk.get_by_text("Léa", exact=True)).to_be_visible()
    expect(desk.get_by_text("Le niveau de cette carte est inférieur")).to_be_visible()
    check_page(desk, assert_accessible)
    desk.get_by_role("button", name="Accorder : Entrée gratuite").click()
    expect(desk.get_by_text("Avantage « Entrée gratuite » enregistré.")).to_be_visible()
    expect(desk.get_by_text("Déjà accordée pour cette période : à nouveau possible le")).to_be_visible()
    expect(desk.get_by_role("button", name="Accorder : Entrée gratuite")).to_have_count(0)
    check_page(desk, assert_accessible)

    # The ambassador sees it in their history, then reports the card lost.
    page.goto("/partners/my-uses")
    expect(page.get_by_role("cell", name="Musée Anacréon")).to_be_visible()
    check_page(page, assert_accessible)
    page.goto("/card/reissue")
    check_page(page, assert_accessible)
    page.get_by_label("J'ai perdu ma carte (ou on me l'a volée)").check()
    page.get_by_role("button", name="Émettre ma nouvelle carte").click()
    expect(page.get_by_text("l'ancienne ne vaut plus")).to_be_visible()
    expect(page.get_by_text(f"N° {number}")).to_have_count(0)

    # The old QR (what the lost card carries) is refused at once; so is its number.
    desk.goto(f"/partners/scan/{old_qr}")
    expect(desk.get_by_role("heading", name="Carte non valable")).to_be_visible()
    expect(desk.get_by_text("Carte remplacée")).to_be_visible()
    expect(desk.get_by_role("button", name="Accorder : Entrée gratuite")).to_have_count(0)
    check_page(desk, assert_accessible)

    # Staff pages of partners.
    staff = make_user("staff")
    office = browser.new_context(base_url=live_server, locale="fr-FR", bypass_csp=True,
                                 viewport={"width": 390, "height": 844})
    desk_staff = office.new_page()
    log_in(desk_staff, staff)
    desk_staff.goto("/office/partners/")
    check_page(desk_staff, assert_accessible)
    follow(desk_staff.get_by_role("link", name="Musée Anacréon"))
    check_page(desk_staff, assert_accessible)
    follow(desk_staff.get_by_role("link", name="Ajouter une offre"))
    check_page(desk_staff, assert_accessible)
    desk_staff.goto("/office/partners/uses")
    expect(desk_staff.get_by_role("cell", name="Entrée gratuite")).to_be_visible()
    check_page(desk_staff, assert_accessible)
    desk_staff.goto("/")
    advantages = "Les avantages des ambassadeurs chez nos partenaires"
    expect(desk_staff.get_by_role("heading", name=advantages)).to_be_visible()
    check_page(desk_staff, assert_accessible)
    desk_context.close()
    office.close()
