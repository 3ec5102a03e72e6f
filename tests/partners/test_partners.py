"""A partner checks a card (number or QR) and records an advantage within its limits; staff
manage partners and offers and read the uses per month; the home page lists the advantages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import current_app
from sqlalchemy import event, func, select

from learnapp.ambassadors.models import Membership
from learnapp.cards import rules as card_rules
from learnapp.cards import services as cards
from learnapp.db import utcnow
from learnapp.partners import rules, services
from learnapp.partners.models import Offer, OfferUse, Partner, PartnerMember
from tests.partners.conftest import CONFIRMED_ONLY, DAILY, UNLIMITED


def uses() -> int:
    from learnapp.extensions import db

    return db.session.scalar(select(func.count()).select_from(OfferUse))


def key_of(html: str) -> str:
    return re.search(r'name="key" value="([0-9a-f]{32})"', html).group(1)


def test_a_partner_checks_a_card_by_number_and_records_an_advantage_once_a_day(
        client, login, make_ambassador, make_card, make_partner, db):
    lea = make_ambassador(1, name="Léa Marin")
    card = make_card(lea)
    _partner, cashier, (daily, reserved, shop) = make_partner("Musée Anacréon", [DAILY, CONFIRMED_ONLY, UNLIMITED])
    login(cashier)
    page = client.get("/partners/check", query_string={"number": card_rules.display_number(card.number).lower()})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Carte valable" in html and "Léa" in html and "Marin" not in html  # the first name only
    assert "Accorder : Entrée gratuite" in html and "Accorder : -10 % en boutique" in html
    assert "Le niveau de cette carte est inférieur" in html  # the reserves ask for level 2
    assert f"/card/photos/{card.photo_id}-" in html

    response = client.post(f"/partners/cards/{card.number}/offers/{daily.id}/use", data={"key": key_of(html)})
    assert response.status_code == 303
    assert uses() == 1
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Avantage « Entrée gratuite » enregistré." in html
    assert "Déjà accordée pour cette période : à nouveau possible le" in html

    # Again today, from a stale page: refused, nothing recorded.
    response = client.post(f"/partners/cards/{card.number}/offers/{daily.id}/use", data={"key": key_of(html)})
    assert response.status_code == 409
    assert "Déjà accordée pour cette période" in response.get_data(as_text=True)
    assert uses() == 1
    # Above the card's level: refused.
    response = client.post(f"/partners/cards/{card.number}/offers/{reserved.id}/use", data={"key": key_of(html)})
    assert response.status_code == 409 and uses() == 1
    # Unlimited: twice is fine, but a double submit of one form counts once.
    key = key_of(html)
    for _ in range(2):
        client.post(f"/partners/cards/{card.number}/offers/{shop.id}/use", data={"key": key})
    assert uses() == 2
    client.post(f"/partners/cards/{card.number}/offers/{shop.id}/use", data={"key": services.new_submission_key()})
    assert uses() == 3

    # The ambassador sees their history.
    client.post("/logout")
    login(lea)
    history = client.get("/partners/my-uses").get_data(as_text=True)
    assert history.count("Musée Anacréon") == 3 and "Entrée gratuite" in history


def test_a_use_outside_the_offers_dates_is_refused(client, login, make_ambassador, make_card, make_partner, db):
    card = make_card(make_ambassador(1))
    today = utcnow().date()
    ended = services.OfferFields(title="Été", frequency="day", valid_until=today - timedelta(days=2))
    later = services.OfferFields(title="Noël", frequency="day", valid_from=today + timedelta(days=5))
    _partner, cashier, (summer, christmas) = make_partner(offers=[ended, later])
    login(cashier)
    html = client.get("/partners/check", query_string={"number": card.number}).get_data(as_text=True)
    assert "Cette offre est terminée." in html and "pas encore commencé" in html
    for offer in (summer, christmas):
        response = client.post(f"/partners/cards/{card.number}/offers/{offer.id}/use", data={"key": ""})
        assert response.status_code == 409
    assert uses() == 0


def test_a_partner_cannot_act_on_another_partners_offer(client, login, make_ambassador, make_card, make_partner):
    card = make_card(make_ambassador(3))
    _mine, cashier, _offers = make_partner("Mon musée", [DAILY])
    _theirs, _other, (their_offer,) = make_partner("Leur boutique", [UNLIMITED])
    login(cashier)
    response = client.post(f"/partners/cards/{card.number}/offers/{their_offer.id}/use", data={"key": ""})
    assert response.status_code == 403
    assert "appartient pas à votre structure" in response.get_data(as_text=True)
    assert uses() == 0
    # A partner account not attached to any partner records nothing either.
    assert client.post(f"/partners/cards/{card.number}/offers/999/use", data={"key": ""}).status_code == 403


def test_a_partner_account_without_a_partner_is_told_so(client, login, make_user):
    login(make_user("partner"))
    html = client.get("/partners/").get_data(as_text=True)
    assert "rattaché à aucun partenaire" in html


def test_the_qr_opens_the_check_and_forged_replaced_or_expired_cards_are_refused(
        client, login, make_ambassador, make_card, make_partner, db, now):
    lea = make_ambassador(1)
    card = make_card(lea)
    secret = current_app.config["SECRET_KEY"]
    token = card_rules.sign(card.number, secret)
    _partner, cashier, _offers = make_partner(offers=[DAILY])
    # Not signed in: the QR leads to the sign-in page and back.
    response = client.get(f"/partners/scan/{token}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(cashier)
    assert "Carte valable" in client.get(f"/partners/scan/{token}").get_data(as_text=True)
    # Forged: a made-up number with a signature from elsewhere.
    forged = card_rules.sign(card_rules.new_number(), "not-the-office-key")
    response = client.get(f"/partners/scan/{forged}")
    assert response.status_code == 404 and "QR non reconnu" in response.get_data(as_text=True)
    assert client.get("/partners/scan/%3Cscript%3E").status_code == 404
    # Replaced: the holder reissued their card; the old QR and number are refused at once.
    new = cards.issue(lea, now=utcnow(), reason="lost")
    db.session.commit()
    html = client.get(f"/partners/scan/{token}").get_data(as_text=True)
    assert "Carte remplacée" in html and "Accorder" not in html
    assert "Carte remplacée" in client.get("/partners/check", query_string={"number": card.number}).get_data(
        as_text=True)
    assert client.post(f"/partners/cards/{card.number}/offers/{_offers[0].id}/use", data={"key": ""}).status_code == 409
    assert uses() == 0
    # Expired: a year has passed.
    new.valid_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "Carte expirée" in client.get("/partners/check", query_string={"number": new.number}).get_data(as_text=True)
    # Malformed and unknown numbers.
    response = client.get("/partners/check", query_string={"number": "ABC"})
    assert response.status_code == 422 and "pas la bonne forme" in response.get_data(as_text=True)
    response = client.get("/partners/check", query_string={"number": card_rules.new_number()})
    assert response.status_code == 404 and "Carte inconnue" in response.get_data(as_text=True)


def test_a_paused_or_left_ambassadors_card_is_refused(client, login, make_ambassador, make_card, make_partner, db):
    lea = make_ambassador(1)
    card = make_card(lea)
    _partner, cashier, (daily,) = make_partner(offers=[DAILY])
    membership = db.session.scalar(select(Membership).where(Membership.user_id == lea.id))
    login(cashier)
    for status, words in (("paused", "Carte suspendue"), ("left", "Carte arrêtée")):
        membership.status = status
        db.session.commit()
        html = client.get("/partners/check", query_string={"number": card.number}).get_data(as_text=True)
        assert words in html and "Accorder" not in html
        response = client.post(f"/partners/cards/{card.number}/offers/{daily.id}/use", data={"key": ""})
        assert response.status_code == 409 and words in response.get_data(as_text=True)
    assert uses() == 0


def test_the_holder_scanning_their_own_qr_sees_their_card_and_others_are_refused(
        client, login, make_ambassador, make_card, make_user):
    lea = make_ambassador(1)
    card = make_card(lea)
    token = card_rules.sign(card.number, current_app.config["SECRET_KEY"])
    login(lea)
    response = client.get(f"/partners/scan/{token}")
    assert response.status_code == 303 and response.headers["Location"].endswith("/card/")
    client.post("/logout")
    login(make_user("learner"))
    response = client.get(f"/partners/scan/{token}")
    assert response.status_code == 403 and "compte partenaire" in response.get_data(as_text=True)


def test_staff_manage_partners_offers_and_accounts_and_read_uses_per_month(client, login, make_user, db,
                                                                         make_ambassador, make_card, now):
    staff = make_user("staff")
    cashier = make_user("learner", email="caisse@musee.example.org")
    login(staff)
    response = client.post("/office/partners/new", data={"name": "Musée Christian Dior", "kind": "museum",
                                                          "town": "Granville", "active": "y"})
    assert response.status_code == 303
    partner = db.session.scalar(select(Partner))
    assert client.post("/office/partners/new", data={"name": "musée christian dior", "kind": "museum"}
                       ).status_code == 422
    response = client.post(f"/office/partners/{partner.id}/members", data={"email": "caisse@musee.example.org"})
    assert response.status_code == 303
    db.session.expire_all()
    assert cashier.has_role("partner")
    response = client.post(f"/office/partners/{partner.id}/members", data={"email": "nobody@example.org"})
    assert response.status_code == 422 and "Aucun compte" in response.get_data(as_text=True)
    page = client.get(f"/office/partners/{partner.id}/offers/new")
    assert "Ambassadeur confirmé" in page.get_data(as_text=True)  # levels named in the choice
    response = client.post(f"/office/partners/{partner.id}/offers/new", data={
        "title": "Entrée gratuite", "min_level_rank": "1", "age_groups": ["adult", "teen"], "frequency": "day",
        "valid_from": "2026-01-01", "valid_until": "2026-01-31", "active": "y"})
    assert response.status_code == 303
    offer = db.session.scalar(select(Offer))
    assert offer.age_groups == ["adult", "teen"] and offer.frequency == "day" and offer.valid_until == date(2026, 1, 31)
    response = client.post(f"/office/partners/{partner.id}/offers/{offer.id}", data={
        "title": "Entrée gratuite", "min_level_rank": "1", "frequency": "day", "valid_from": "2026-02-01",
        "valid_until": "2026-01-31"})
    assert response.status_code == 422 and "précède" in response.get_data(as_text=True)
    client.post(f"/office/partners/{partner.id}/offers/{offer.id}", data={
        "title": "Entrée gratuite", "min_level_rank": "1", "frequency": "day", "valid_from": "", "valid_until": "",
        "active": "y"})

    card = make_card(make_ambassador(1))
    services.record_use(card, db.session.get(Offer, offer.id), actor=cashier, partner=partner, now=utcnow())
    db.session.commit()
    html = client.get("/office/partners/uses").get_data(as_text=True)
    assert "Musée Christian Dior" in html and "Entrée gratuite" in html and utcnow().strftime("%Y-%m") in html
    assert "Musée Christian Dior" in client.get(f"/office/partners/uses?partner={partner.id}").get_data(as_text=True)

    response = client.post(f"/office/partners/{partner.id}/members/{cashier.id}/remove")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PartnerMember)) == 0
    assert not db.session.get(type(cashier), cashier.id).has_role("partner")


def test_partners_and_learners_cannot_open_the_staff_pages(client, login, make_partner):
    _partner, cashier, _offers = make_partner()
    login(cashier)
    assert client.get("/office/partners/").status_code == 403
    assert client.post("/office/partners/new", data={"name": "X", "kind": "shop"}).status_code == 403


def test_the_home_page_lists_the_advantages_by_level(client, make_partner, levels):
    make_partner("Musée Anacréon", [DAILY, CONFIRMED_ONLY])
    _closed, _c, (closed,) = make_partner("Boutique fermée", [UNLIMITED])
    from learnapp.extensions import db

    closed.active = False
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Les avantages des ambassadeurs chez nos partenaires" in html
    assert "Tout ambassadeur" in html and "Niveau 2 et plus" in html and "Ambassadeur confirmé" in html
    assert "Entrée gratuite" in html and "Visite des réserves" in html and "Boutique fermée" not in html


def _statements_of(client, db, url: str):
    seen: list[str] = []

    def counter(*args):
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return response, seen


@pytest.mark.parametrize("offers", [1, 7])
def test_the_check_reads_three_queries_whatever_the_number_of_offers(
        client, login, make_ambassador, make_card, make_partner, db, offers):
    """The card with its holder and photo, the holder's standing, then the partner with its
    offers and this period's uses: three queries above what any signed-in page costs (measured
    on a forged QR, which is refused before the database is read), 1 offer or 7."""
    card = make_card(make_ambassador(2))
    kinds = ["day", "week", "month", "season", "unlimited"]
    made = [services.OfferFields(title=f"Offre {n}", frequency=kinds[n % len(kinds)]) for n in range(offers)]
    _partner, cashier, created = make_partner(offers=made)
    login(cashier)
    url = f"/partners/check?number={card.number}"
    html = client.get(url).get_data(as_text=True)  # the first request after signing in may touch the session
    client.post(f"/partners/cards/{card.number}/offers/{created[0].id}/use", data={"key": key_of(html)})
    forged = card_rules.sign(card_rules.new_number(), "not-the-office-key")
    response, signed_in = _statements_of(client, db, f"/partners/scan/{forged}")
    assert response.status_code == 404
    response, check = _statements_of(client, db, url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.count("Accorder :") == offers - 1  # the first one was used
    assert len(check) - len(signed_in) == 3, check
    token = card_rules.sign(card.number, current_app.config["SECRET_KEY"])
    response, scan = _statements_of(client, db, f"/partners/scan/{token}")
    assert "Carte valable" in response.get_data(as_text=True) and len(scan) == len(check)


def test_a_use_disables_its_offer_until_its_own_period_ends(
        client, login, make_ambassador, make_card, make_partner, db, now):
    """Each frequency counts in its own period (the check reads them all in one query): a use
    greys its offer at once; a use from last week does not count this week."""
    lea = make_ambassador(1)
    card = make_card(lea)
    titles = {"day": "Café", "week": "Atelier", "month": "Visite", "season": "Abonnement", "unlimited": "Boutique"}
    _partner, cashier, offers = make_partner(
        offers=[services.OfferFields(title=title, frequency=frequency) for frequency, title in titles.items()])
    weekly = offers[1]
    last_week = utcnow() - timedelta(days=7)
    db.session.add(OfferUse(offer_id=weekly.id, partner_id=weekly.partner_id, card_id=card.id, user_id=lea.id,
                            used_at=last_week, month="2000-01", period_key=rules.period_key("week", last_week)))
    db.session.commit()
    login(cashier)
    url = f"/partners/check?number={card.number}"
    html = client.get(url).get_data(as_text=True)
    assert all(f"Accorder : {title}" in html for title in titles.values())
    for offer in offers:
        html = client.get(url).get_data(as_text=True)
        response = client.post(f"/partners/cards/{card.number}/offers/{offer.id}/use",
                               data={"key": key_for(html, offer.id)})
        assert response.status_code == 303
        html = client.get(url).get_data(as_text=True)
        if offer.frequency == "unlimited":
            assert f"Accorder : {offer.title}" in html
        else:
            assert f"Accorder : {offer.title}" not in html
    assert html.count("Déjà accordée pour cette période") == 4


def key_for(html: str, offer_id: int) -> str:
    """The one-time key of the grant form of ``offer_id``."""
    form = re.search(rf'/offers/{offer_id}/use">(.*?)</form>', html, re.S).group(1)
    return re.search(r'name="key" value="([0-9a-f]{32})"', form).group(1)


def test_each_grant_form_has_its_own_one_time_key(client, login, make_ambassador, make_card, make_partner, db):
    """Two offers granted from the same page are two uses; the same form sent twice is one."""
    card = make_card(make_ambassador(1))
    _partner, cashier, (daily, shop) = make_partner(offers=[DAILY, UNLIMITED])
    login(cashier)
    html = client.get("/partners/check", query_string={"number": card.number}).get_data(as_text=True)
    assert key_for(html, daily.id) != key_for(html, shop.id)
    for offer in (daily, shop, shop):
        client.post(f"/partners/cards/{card.number}/offers/{offer.id}/use", data={"key": key_for(html, offer.id)})
    assert uses() == 2


def test_lists_of_uses_offers_and_partners_cost_the_same_for_one_partner_or_four(
        client, login, make_ambassador, make_card, make_partner, make_user, db):
    """The holder's « my uses », the desk's recent uses, the staff's partner list and the home
    page's advantages name each row's partner and offer from the same query, never one per row."""
    lea = make_ambassador(1)
    card = make_card(lea)
    desk_partner, desk_cashier, _ = make_partner(offers=[UNLIMITED])
    staff = make_user("staff")

    keys = iter(range(1, 100))

    def grant(partner, offer):
        db.session.add(OfferUse(offer_id=offer.id, partner_id=partner.id, card_id=card.id, user_id=lea.id,
                                used_at=utcnow(), month="2026-11", period_key=f"k{next(keys)}"))
        db.session.commit()

    def costs():
        counted = {}
        for who, url in ((lea, "/partners/my-uses"), (desk_cashier, "/partners/"), (staff, "/office/partners/"),
                         (None, "/")):
            client.post("/logout")
            if who is not None:
                login(who)
                client.get(url)  # the first request after signing in may touch the session
            response, statements = _statements_of(client, db, url)
            assert response.status_code == 200, url
            counted[url] = len(statements)
        return counted

    partner, _, (offer,) = make_partner(offers=[UNLIMITED])
    grant(partner, offer)
    grant(desk_partner, desk_partner.offers[0])
    before = costs()
    for _ in range(3):
        partner, _, (offer, _daily) = make_partner(offers=[UNLIMITED, DAILY])
        grant(partner, offer)
        grant(desk_partner, desk_partner.offers[0])
    after = costs()
    # (the home page may find more of its fragments already rendered the second time)
    assert all(after[url] <= before[url] for url in before), (before, after)
