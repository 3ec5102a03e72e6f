"""Fixtures for cards and partners: ambassadors (membership, manifesto, level) made directly in
the ambassadors' tables, photos made with Pillow, partners and offers made through the services."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from learnapp.ambassadors.models import JOINED, Level, ManifestoVersion, Membership, Signature
from learnapp.cards import services as cards
from learnapp.partners import services as partners

LEVELS = {"adult": ("Ambassadeur", "Ambassadeur confirmé", "Ambassadeur expert"),
          "teen": ("Jeune ambassadeur",), "child": ("Petit ambassadeur",)}


def photo_bytes(size=(900, 1200), colour=(180, 120, 90), fmt="JPEG", exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, colour)
    if exif is not None:
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def levels(db, now):
    made = {}
    for group, names in LEVELS.items():
        for rank, name in enumerate(names, start=1):
            level = Level(code=f"{group}-{rank}", age_group=group, rank=rank,
                          names={"fr": name, "en": name.replace("Ambassadeur", "Ambassador")},
                          requires={}, created_at=now)
            db.session.add(level)
            made[(group, rank)] = level
    version = ManifestoVersion(number=1, body="Nous aimons Granville.", source_hash="x" * 64,
                               published_at=now - timedelta(days=60), grace_days=30)
    db.session.add(version)
    db.session.commit()
    made["manifesto"] = version
    return made


@pytest.fixture
def make_ambassador(db, now, levels, make_user):
    """make_ambassador(rank=1, age_group="adult", status="joined", user=None) → a committed User."""

    def make(rank: int = 1, *, age_group: str = "adult", status: str = JOINED, user=None, name=None):
        user = user or make_user(age_group=age_group, name=name)
        level = levels.get((age_group, rank))
        signature = Signature(user_id=user.id, version_id=levels["manifesto"].id, signed_at=now - timedelta(days=10))
        if age_group != "adult":
            signature.consent_by, signature.parent_name = "parent", "Un parent"
            signature.parent_declaration = "J'autorise mon enfant."
        db.session.add(signature)
        db.session.add(Membership(user_id=user.id, status=status, joined_at=now - timedelta(days=10),
                                  status_changed_at=now - timedelta(days=10), level_id=level.id if level else None,
                                  level_rank=rank if level else 0, level_since=now - timedelta(days=5)))
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_card(db, now):
    def make(user, *, when=None):
        card = cards.issue(user, now=when or now, reason="first", photo=cards.clean(photo_bytes()))
        db.session.commit()
        return card

    return make


@pytest.fixture
def make_partner(db, now, make_user):
    """make_partner(name, offers=[OfferFields…]) → (partner, cashier account, [offers])."""
    counter = iter(range(1, 1000))

    def make(name=None, offers=(), *, cashiers: int = 1):
        n = next(counter)
        partner = partners.save_partner(None, name=name or f"Musée {n}", kind="museum", town="Granville",
                                        website="", active=True, now=now)
        accounts = []
        for _ in range(cashiers):
            account = make_user("learner")
            partners.attach(partner, account.email, actor=None, now=now)
            accounts.append(account)
        made = [partners.save_offer(partner, None, fields, now=now) for fields in offers]
        db.session.commit()
        return partner, accounts[0] if cashiers == 1 else accounts, made

    return make


DAILY = partners.OfferFields(title="Entrée gratuite", frequency="day")
CONFIRMED_ONLY = partners.OfferFields(title="Visite des réserves", frequency="season", min_level_rank=2)
UNLIMITED = partners.OfferFields(title="-10 % en boutique", frequency="unlimited")
