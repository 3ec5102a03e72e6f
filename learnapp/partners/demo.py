"""Demo partners for `learnapp demo`: the demo partner account acts for a Granville museum with
three offers (one once a day), and a shop without an account shows on the home page too; once the
demo ambassador holds a card, the museum has granted them its offers they may have, so the
ambassador's history and the office's dashboard show advantage uses.

Idempotent: a partner that exists is left alone (and its offers with it); a card already used is
not used again."""

from __future__ import annotations

from sqlalchemy import select

from learnapp.auth import services as accounts
from learnapp.cards import services as cards
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.partners import services
from learnapp.partners.models import Offer, OfferUse, Partner, PartnerMember

PARTNER_ACCOUNT = "partner@demo.learnapp.local"

PARTNERS = (
    ("Musée d'art moderne Richard Anacréon", "museum", PARTNER_ACCOUNT, (
        services.OfferFields(title="Entrée gratuite", frequency="day", min_level_rank=1,
                             description="L'entrée au musée et à son exposition du moment, une fois par jour."),
        services.OfferFields(title="-10 % à la boutique du musée", frequency="unlimited", min_level_rank=0,
                             description="Sur les livres et cartes postales."),
        services.OfferFields(title="Visite commentée des réserves", frequency="season", min_level_rank=2,
                             age_groups=("adult",),
                             description="Une fois par saison, avec la conservatrice, sur réservation."),
    )),
    ("Biscuiterie de Granville", "shop", None, (
        services.OfferFields(title="Un sachet de sablés offert", frequency="month", min_level_rank=1,
                             description="Une fois par mois, à la boutique de la rue Lecampion."),
    )),
)


def load_demo_partners(echo) -> None:
    now = utcnow()
    made = []
    for name, kind, account_email, offers in PARTNERS:
        if db.session.scalar(select(Partner.id).where(Partner.name == name)) is not None:
            continue
        partner = services.save_partner(None, name=name, kind=kind, town="Granville", website="", active=True,
                                        now=now)
        for fields in offers:
            services.save_offer(partner, None, fields, now=now)
        account = accounts.find_by_email(account_email) if account_email else None
        if account is not None and db.session.scalar(
                select(PartnerMember.id).where(PartnerMember.user_id == account.id)) is None:
            services.attach(partner, account_email, actor=None, now=now)
        made.append(name)
    db.session.commit()
    if made:
        echo(f"Demo partners: {', '.join(made)}.")


def load_demo_uses(echo, holder_email: str = "learner@demo.learnapp.local") -> None:
    """The museum's cashier (the demo partner account) grants the demo ambassador each offer their
    level allows, through the same checks as the desk."""
    holder, cashier = accounts.find_by_email(holder_email), accounts.find_by_email(PARTNER_ACCOUNT)
    card = cards.current_card(holder) if holder is not None else None
    partner = services.partner_of(cashier) if cashier is not None else None
    if card is None or partner is None or db.session.scalar(
            select(OfferUse.id).where(OfferUse.card_id == card.id).limit(1)) is not None:
        return
    now = utcnow()
    granted = []
    for offer in db.session.scalars(select(Offer).where(Offer.partner_id == partner.id).order_by(Offer.id)):
        try:
            services.record_use(card, offer, actor=cashier, partner=partner, now=now)
        except services.PartnerError:
            continue  # above the ambassador's level, or not for their age group: the desk says no too
        granted.append(offer.title)
    db.session.commit()
    if granted:
        echo(f"Demo advantage uses: {holder_email} was granted {', '.join(granted)}.")
