"""Use cases of the card: issue and reissue, read a card by number or QR token, its status.

Services flush and never commit; ``user`` and ``now`` are arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, inspect, select, update
from sqlalchemy.orm import joinedload, lazyload

from learnapp.ambassadors.standing import Standing, standing_of
from learnapp.auth.models import User
from learnapp.cards import rules
from learnapp.cards.models import Card, CardPhoto
from learnapp.core.images import CleanPhoto, clean_photo
from learnapp.extensions import db

# A portrait three wide by four high, as on an identity card; 600 × 800 at most.
PHOTO_ASPECT = (3, 4)
PHOTO_MAX_SIDE = 800


class CardError(ValueError):
    """``code``: not_ambassador | paused | left | manifesto_overdue | consent_missing |
    inactive | no_photo | no_card."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def standing_facts(standing: Standing | None) -> rules.StandingFacts | None:
    if standing is None:
        return None
    return rules.StandingFacts(active=standing.active, reason=standing.reason)


def current_card(user) -> Card | None:
    return db.session.scalar(select(Card).where(Card.active_user_id == user.id))


@cache
def _by_number_query():
    """A card by number with its photo and holder in the same query (a check reads their name
    and standing), not their roles; built once per process (``number`` is bound)."""
    return (select(Card).where(Card.number == bindparam("number", type_=Card.number.type))
            .options(joinedload(Card.holder).lazyload(User.roles)))


def by_number(number: str | None) -> Card | None:
    normalised = rules.normalise_number(number or "")
    if normalised is None:
        return None
    return db.session.scalars(_by_number_query(), {"number": normalised}).first()


def by_token(token: str, secret_key: str) -> Card | None:
    number = rules.unsign(token, secret_key)
    return None if number is None else by_number(number)


def token_of(card: Card, secret_key: str) -> str:
    return rules.sign(card.number, secret_key)


def clean(raw: bytes | None) -> CleanPhoto:
    """The uploaded photo decoded, stripped of metadata and cropped to a portrait (PhotoError)."""
    return clean_photo(raw, aspect=PHOTO_ASPECT, max_side=PHOTO_MAX_SIDE)


def _check_may_hold(user, now: datetime) -> Standing:
    standing = standing_of(db.session, user, now)
    if standing is None:
        raise CardError("not_ambassador")
    if not standing.active:
        raise CardError(standing.reason or "inactive")
    return standing


def issue(user, *, now: datetime, reason: str, photo: CleanPhoto | None = None) -> Card:
    """A new current card for ``user``; the previous one (if any) is replaced at once, so its QR
    and number are refused from this moment. ``photo``: a new photo (else the previous card's)."""
    if reason not in rules.REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    standing = _check_may_hold(user, now)
    previous = current_card(user)
    if photo is not None:
        stored = CardPhoto(user_id=user.id, sha256=photo.sha256, mime_type=photo.mime_type,
                           width=photo.width, height=photo.height, data=photo.data, created_at=now)
        db.session.add(stored)
        db.session.flush()
        photo_id = stored.id
    elif previous is not None:
        photo_id = previous.photo_id
    else:
        raise CardError("no_photo")
    # Guarded: only the row still active is replaced; a concurrent reissue finds nothing here and
    # then fails on the unique active_user_id (one active card, held by the database).
    db.session.execute(update(Card).where(Card.active_user_id == user.id)
                       .values(active_user_id=None, replaced_at=now)
                       .execution_options(synchronize_session=False))
    if previous is not None:
        db.session.expire(previous)
    number = _fresh_number()
    card = Card(number=number, user_id=user.id, active_user_id=user.id, photo_id=photo_id,
                name=user.full_name[:170], level_code=standing.level_code,
                level_label=str(standing.level_label or "")[:120], reason=reason, issued_at=now,
                valid_until=now + rules.VALIDITY, created_at=now)
    db.session.add(card)
    db.session.flush()
    return card


def _fresh_number() -> str:
    for _ in range(10):
        number = rules.new_number()
        if db.session.scalar(select(Card.id).where(Card.number == number)) is None:
            return number
    raise RuntimeError("no free card number after 10 draws")  # 2^45 numbers: never in practice


@dataclass(frozen=True)
class CardStatus:
    """A card as a partner (or its holder) sees it now."""

    card: Card | None
    refusal: str | None  # None: valid
    standing: Standing | None
    holder: object = None  # the card's holder (a User), when there is a card

    @property
    def valid(self) -> bool:
        return self.refusal is None


def status_of(card: Card | None, now: datetime) -> CardStatus:
    if card is None:
        return CardStatus(None, "unknown", None)
    holder = card_holder(card)
    standing = standing_of(db.session, holder, now)  # one query (ambassadors/standing.py)
    facts = rules.CardFacts(current=card.current, valid_until=card.valid_until)
    return CardStatus(card, rules.card_refusal(facts, standing_facts(standing), now), standing, holder)


def card_holder(card: Card):
    """The card's holder, without their roles (a check never needs them: one query less); the
    one ``by_number`` loaded with the card when there is one."""
    loaded = inspect(card).dict.get("holder")
    if loaded is not None:
        return loaded
    return db.session.get(User, card.user_id, options=[lazyload(User.roles)])


def photo_of(photo_id: int) -> CardPhoto | None:
    return db.session.get(CardPhoto, photo_id)


def history(user) -> list[Card]:
    return list(db.session.scalars(select(Card).where(Card.user_id == user.id).order_by(Card.issued_at.desc())))
