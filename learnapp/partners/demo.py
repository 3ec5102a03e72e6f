"""Demo partners for `learnapp demo`: the demo partner account acts for a Granville museum with
three offers (one once a day), and a shop without an account shows on the home page too.

Idempotent: a partner that exists is left alone (and its offers with it)."""

from __future__ import annotations

from sqlalchemy import select

from learnapp.auth import services as accounts
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.partners import services
from learnapp.partners.models import Partner, PartnerMember

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
