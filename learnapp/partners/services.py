"""Use cases of partners: what a checked card may get here now, recording a use, the staff's
partners and offers, and the counts of uses.

Services flush and never commit; ``user`` and ``now`` are arguments.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from sqlalchemy import String, and_, bindparam, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from learnapp.auth import services as accounts
from learnapp.cards import services as cards
from learnapp.cards.models import Card
from learnapp.core.errors import is_unique_violation
from learnapp.extensions import db
from learnapp.partners import rules
from learnapp.partners.models import Offer, OfferUse, Partner, PartnerMember


class PartnerError(ValueError):
    """A refusal the view words in the user's language (codes in partners/messages.py)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


# --- Who acts for which partner -----------------------------------------------------------------

def partner_of(user) -> Partner | None:
    """The partner this account acts for (None: an account not attached to any partner)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Partner).join(PartnerMember, PartnerMember.partner_id == Partner.id)
                             .where(PartnerMember.user_id == user.id))


def members(partner: Partner) -> list:
    from learnapp.auth.models import User

    return list(db.session.scalars(select(User).join(PartnerMember, PartnerMember.user_id == User.id)
                                   .where(PartnerMember.partner_id == partner.id).order_by(User.email)))


def attach(partner: Partner, email: str, *, actor, now: datetime):
    """Let an existing account act for ``partner`` (it gets the ``partner`` role)."""
    user = accounts.find_by_email(email)
    if user is None:
        raise PartnerError("account_unknown")
    existing = db.session.scalar(select(PartnerMember).where(PartnerMember.user_id == user.id))
    if existing is not None:
        raise PartnerError("account_taken")
    db.session.add(PartnerMember(partner_id=partner.id, user_id=user.id, created_at=now))
    accounts.grant_role(user, "partner", actor=actor, now=now)
    accounts.audit(actor, "partner.attach", f"user:{user.id}", f"partner:{partner.id}", now)
    db.session.flush()
    return user


def detach(partner: Partner, user_id: int, *, actor, now: datetime) -> None:
    member = db.session.scalar(select(PartnerMember).where(PartnerMember.partner_id == partner.id,
                                                           PartnerMember.user_id == user_id))
    if member is None:
        raise PartnerError("account_unknown")
    db.session.delete(member)
    from learnapp.auth.models import User

    user = db.session.get(User, user_id)
    if user is not None and user.has_role("partner"):
        accounts.remove_role(user, "partner", actor=actor, now=now)
    accounts.audit(actor, "partner.detach", f"user:{user_id}", f"partner:{partner.id}", now)
    db.session.flush()


# --- Partners and offers (staff) -------------------------------------------------------------------

def save_partner(partner: Partner | None, *, name: str, kind: str, town: str, website: str, active: bool,
                 now: datetime) -> Partner:
    name = name.strip()
    clash = db.session.scalar(select(Partner.id).where(func.lower(Partner.name) == name.lower()))
    if clash is not None and (partner is None or clash != partner.id):
        raise PartnerError("name_taken")
    if partner is None:
        partner = Partner(created_at=now)
        db.session.add(partner)
    partner.name, partner.kind, partner.town = name, kind, town.strip()
    partner.website, partner.active = website.strip(), active
    db.session.flush()
    return partner


@dataclass
class OfferFields:
    title: str
    description: str = ""
    min_level_rank: int = 0
    age_groups: tuple[str, ...] = ()
    frequency: str = rules.UNLIMITED
    valid_from: date | None = None
    valid_until: date | None = None
    active: bool = True


def save_offer(partner: Partner, offer: Offer | None, fields: OfferFields, *, now: datetime) -> Offer:
    problems = rules.offer_problems(title=fields.title, frequency=fields.frequency,
                                    min_level_rank=fields.min_level_rank, age_groups=fields.age_groups,
                                    valid_from=fields.valid_from, valid_until=fields.valid_until)
    if problems:
        raise PartnerError(problems[0])
    if offer is None:
        offer = Offer(partner_id=partner.id, created_at=now)
        db.session.add(offer)
    elif offer.partner_id != partner.id:
        raise PartnerError("offer_elsewhere")
    offer.title, offer.description = fields.title.strip(), fields.description.strip()
    offer.min_level_rank, offer.age_groups = fields.min_level_rank, list(fields.age_groups)
    offer.frequency, offer.valid_from, offer.valid_until = fields.frequency, fields.valid_from, fields.valid_until
    offer.active = fields.active
    db.session.flush()
    return offer


def offer_facts(offer: Offer) -> rules.OfferFacts:
    return rules.OfferFacts(active=offer.active and offer.partner.active, min_level_rank=offer.min_level_rank,
                            age_groups=tuple(offer.age_groups or ()), valid_from=offer.valid_from,
                            valid_until=offer.valid_until)


# --- Checking a card at a partner's desk ------------------------------------------------------------

@dataclass(frozen=True)
class DeskPartner:
    id: int
    name: str


@dataclass(frozen=True)
class DeskOffer:
    """An offer as the desk reads it: the columns only (no ORM object to build per offer)."""

    id: int
    title: str
    frequency: str
    facts: rules.OfferFacts


@dataclass(frozen=True)
class OfferState:
    offer: DeskOffer
    refusal: str | None  # None: may be granted now
    next_day: date | None = None  # limit reached: the first day it opens again
    key: str = ""  # the one-tap form's one-time key (a double tap records one use)

    @property
    def grantable(self) -> bool:
        return self.refusal is None


@dataclass
class Check:
    status: cards.CardStatus
    offers: list[OfferState] = field(default_factory=list)
    partner: DeskPartner | None = None  # the partner checking (None: staff, or the card is not valid)


def holder_facts(standing) -> rules.HolderFacts:
    return rules.HolderFacts(level_rank=standing.level_rank, age_group=standing.age_group)


@cache
def _desk_query():
    """The partner an account acts for, its active offers and, for each, whether the card's
    holder already had it in the offer's current period: ONE statement, built once per process.
    The period each offer counts in depends on its frequency, so the current key of each
    frequency is a bound parameter and the join picks the offer's own (``key_day``…); at most
    one use matches (the unique constraint), unlimited offers never (no key)."""
    current_key = case(*((Offer.frequency == frequency, bindparam(f"key_{frequency}", type_=String))
                         for frequency in rules.LIMITED), else_=None)
    return (select(Partner.id, Partner.name, Partner.active, Offer.id, Offer.title, Offer.frequency,
                   Offer.min_level_rank, Offer.age_groups, Offer.valid_from, Offer.valid_until, OfferUse.id)
            .join(PartnerMember, PartnerMember.partner_id == Partner.id)
            .outerjoin(Offer, and_(Offer.partner_id == Partner.id, Offer.active.is_(True)))
            .outerjoin(OfferUse, and_(OfferUse.offer_id == Offer.id, OfferUse.user_id == bindparam("holder_id"),
                                      OfferUse.period_key == current_key))
            .where(PartnerMember.user_id == bindparam("member_id"))
            .order_by(Offer.min_level_rank, Offer.id))


def desk_offers(member, holder_id: int, now: datetime) -> tuple[DeskPartner | None, list[tuple[DeskOffer, bool]]]:
    """The partner ``member`` acts for (None: not attached) and its active offers in the order
    the desk shows them, each with whether ``holder_id`` already had it this period."""
    params = {f"key_{frequency}": rules.period_key(frequency, now) for frequency in rules.LIMITED}
    rows = db.session.execute(_desk_query(), {**params, "holder_id": holder_id, "member_id": member.id}).all()
    if not rows:
        return None, []
    partner_id, partner_name, partner_active = rows[0][:3]
    offers = []
    for *_, offer_id, title, frequency, min_rank, age_groups, valid_from, valid_until, use_id in rows:
        if offer_id is None:  # a partner without active offers: its one row, no offer
            continue
        facts = rules.OfferFacts(active=partner_active, min_level_rank=min_rank, age_groups=tuple(age_groups or ()),
                                 valid_from=valid_from, valid_until=valid_until)
        offers.append((DeskOffer(offer_id, title, frequency, facts), use_id is not None))
    return DeskPartner(partner_id, partner_name), offers


def check(card: Card | None, member, now: datetime) -> Check:
    """The card's status and, when it is valid and ``member`` acts for a partner, each of that
    partner's offers: may it be granted now? Two queries whatever the number of offers (three
    with the card's, ``cards.by_number``): the holder's standing, then the partner, its offers
    and this period's uses together."""
    status = cards.status_of(card, now)
    result = Check(status)
    if not status.valid or not getattr(member, "is_authenticated", False):
        return result
    result.partner, offers = desk_offers(member, card.user_id, now)
    holder = holder_facts(status.standing)
    for offer, used in offers:
        refusal = rules.offer_refusal(offer.facts, holder, now)
        if refusal is None and used:
            result.offers.append(OfferState(offer, "limit_reached", rules.next_period_starts(offer.frequency, now),
                                            key=""))
        else:
            result.offers.append(OfferState(offer, refusal, key=new_submission_key() if refusal is None else ""))
    return result


def new_submission_key() -> str:
    return secrets.token_hex(16)


def record_use(card: Card | None, offer: Offer | None, *, actor, partner: Partner | None, now: datetime,
               submission_key: str | None = None) -> OfferUse:
    """Record that ``partner`` granted ``offer`` to the card's holder now. Everything is checked
    again here (the card may have been replaced since the page was shown); the frequency limit is
    held by the unique constraint, so two cashiers at once record one use. Raises PartnerError."""
    if partner is None:
        raise PartnerError("not_a_partner")
    if offer is None or offer.partner_id != partner.id:
        raise PartnerError("offer_elsewhere")
    status = cards.status_of(card, now)
    if not status.valid:
        raise PartnerError("card_" + status.refusal)
    refusal = rules.offer_refusal(offer_facts(offer), holder_facts(status.standing), now)
    if refusal is not None:
        raise PartnerError(refusal)
    use = OfferUse(offer_id=offer.id, partner_id=partner.id, card_id=card.id, user_id=card.user_id,
                   recorded_by_id=actor.id, used_at=now, month=rules.month_of(now),
                   period_key=rules.period_key(offer.frequency, now), submission_key=submission_key or None)
    db.session.add(use)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        if not is_unique_violation(error):
            raise
        if submission_key and db.session.scalar(
                select(OfferUse.id).where(OfferUse.submission_key == submission_key)) is not None:
            raise PartnerError("already_recorded") from error
        raise PartnerError("limit_reached", next_day=rules.next_period_starts(offer.frequency, now)) from error
    return use


# --- Reading uses ---------------------------------------------------------------------------------

def uses_of(user):
    """The ambassador's uses, newest first (a select for pagination), with their partner and offer
    (the page names both on every row)."""
    return select(OfferUse).options(joinedload(OfferUse.partner), joinedload(OfferUse.offer)).where(
        OfferUse.user_id == user.id).order_by(OfferUse.used_at.desc(), OfferUse.id.desc())


def count_uses_of(user) -> int:
    return db.session.scalar(select(func.count()).select_from(OfferUse).where(OfferUse.user_id == user.id))


def recent_uses(partner: Partner, limit: int = 10) -> list[OfferUse]:
    return list(db.session.scalars(select(OfferUse).options(joinedload(OfferUse.offer))
                                   .where(OfferUse.partner_id == partner.id)
                                   .order_by(OfferUse.used_at.desc(), OfferUse.id.desc()).limit(limit)))


@dataclass(frozen=True)
class UseCount:
    month: str
    partner: str
    offer: str
    uses: int
    ambassadors: int


def monthly_counts(*, partner_id: int | None = None, months: int = 12,
                   between: tuple[str | None, str | None] | None = None) -> list[UseCount]:
    """Uses per month, partner and offer (newest month first), counted in SQL: the last ``months``
    months with a use, or, with ``between=("2026-09", "2026-12")``, the months from the first
    included to the second excluded (None: no bound; the office dashboard's periods)."""
    query = (select(OfferUse.month, Partner.name, Offer.title, func.count(OfferUse.id),
                    func.count(func.distinct(OfferUse.user_id)))
             .join(Offer, Offer.id == OfferUse.offer_id).join(Partner, Partner.id == OfferUse.partner_id)
             .group_by(OfferUse.month, Partner.name, Offer.id, Offer.title)
             .order_by(OfferUse.month.desc(), Partner.name, Offer.title))
    if partner_id is not None:
        query = query.where(OfferUse.partner_id == partner_id)
    if between is not None:
        first, until = between
        if first is not None:
            query = query.where(OfferUse.month >= first)
        if until is not None:
            query = query.where(OfferUse.month < until)
        return [UseCount(*row) for row in db.session.execute(query)]
    recent = list(db.session.scalars(select(OfferUse.month).distinct().order_by(OfferUse.month.desc()).limit(months)))
    if not recent:
        return []
    query = query.where(OfferUse.month.in_(recent))
    return [UseCount(*row) for row in db.session.execute(query)]


def advantages_by_level(now: datetime) -> list[tuple[int, list[Offer]]]:
    """The offers open today at active partners, grouped by the minimum level they ask."""
    today = rules.local_day(now)
    offers = db.session.scalars(
        select(Offer).join(Partner, Partner.id == Offer.partner_id).options(contains_eager(Offer.partner))
        .where(Offer.active.is_(True), Partner.active.is_(True),
               (Offer.valid_from.is_(None)) | (Offer.valid_from <= today),
               (Offer.valid_until.is_(None)) | (Offer.valid_until >= today))
        .order_by(Offer.min_level_rank, Partner.name, Offer.title))
    grouped: dict[int, list[Offer]] = {}
    for offer in offers:
        grouped.setdefault(offer.min_level_rank, []).append(offer)
    return sorted(grouped.items())
