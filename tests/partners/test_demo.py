"""`learnapp demo`'s part: the demo museum with its offers (one once a day) and its account, and
the demo adult ambassador's card and the museum's advantages granted to it; a second run adds
nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from learnapp.auth import services as accounts
from learnapp.cards import services as cards
from learnapp.cards.demo import load_demo_card
from learnapp.cards.models import Card
from learnapp.demo import create_demo_accounts
from learnapp.partners import services
from learnapp.partners.demo import load_demo_partners, load_demo_uses
from learnapp.partners.models import Offer, OfferUse


def test_the_demo_partner_has_offers_and_the_demo_ambassador_a_card(db, levels, now):
    lines: list[str] = []
    create_demo_accounts(lines.append)
    for _ in range(2):
        load_demo_partners(lines.append)
        load_demo_card(lines.append)
        load_demo_uses(lines.append)
    partner_account = accounts.find_by_email("partner@demo.learnapp.local")
    museum = services.partner_of(partner_account)
    assert museum is not None and partner_account.has_role("partner")
    frequencies = sorted(offer.frequency for offer in museum.offers)
    assert frequencies == ["day", "season", "unlimited"]
    assert db.session.scalar(select(func.count()).select_from(Offer)) == 4  # and the shop's
    learner = accounts.find_by_email("learner@demo.learnapp.local")
    card = cards.current_card(learner)
    assert card is not None and cards.status_of(card, card.issued_at).valid
    assert db.session.scalar(select(func.count()).select_from(Card)) == 1
    assert any("holds card" in line for line in lines)
    # The museum granted each of its offers the card allows (through the desk's own checks), once.
    granted = db.session.scalars(select(Offer.title).join(OfferUse, OfferUse.offer_id == Offer.id)
                                 .where(OfferUse.card_id == card.id).order_by(Offer.title)).all()
    assert "-10 % à la boutique du musée" in granted and "Un sachet de sablés offert" not in granted
    assert len(granted) == len(set(granted))
    assert sum("Demo advantage uses" in line for line in lines) == 1
