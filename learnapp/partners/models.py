"""Partners (a site, a museum, a shop), the accounts that act for them, their offers and the
uses recorded at their desks.

"Once per period" is held by the database: ``offer_use`` has one row per ambassador, offer and
period key (``rules.period_key``), so of two cashiers pressing at the same moment exactly one
insert succeeds. The key is the ambassador, not the card: a reissued card does not reset a limit.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.db import TimestampMixin, UTCDateTime
from learnapp.extensions import db


class Partner(TimestampMixin, db.Model):
    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="site")  # rules.KINDS
    town: Mapped[str] = mapped_column(String(120), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)

    offers: Mapped[list[Offer]] = relationship(back_populates="partner", order_by="Offer.id")


class PartnerMember(TimestampMixin, db.Model):
    """An account acting for a partner (its desk, its cashiers): one partner per account."""

    __tablename__ = "partner_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)

    partner: Mapped[Partner] = relationship()


class Offer(TimestampMixin, db.Model):
    __tablename__ = "partner_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    # 0: any ambassador; n: the n-th level of the holder's own age group or above.
    min_level_rank: Mapped[int] = mapped_column(Integer, default=0)
    age_groups: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: everyone
    frequency: Mapped[str] = mapped_column(String(10))  # rules.FREQUENCIES
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)

    partner: Mapped[Partner] = relationship(back_populates="offers")


class OfferUse(db.Model):
    __tablename__ = "offer_use"
    __table_args__ = (
        UniqueConstraint("user_id", "offer_id", "period_key", name="uq_offer_use_once_per_period"),
        Index("ix_offer_use_partner_month", "partner_id", "month"),
        Index("ix_offer_use_user_used_at", "user_id", "used_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("partner_offer.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    card_id: Mapped[int] = mapped_column(ForeignKey("ambassador_card.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime())
    month: Mapped[str] = mapped_column(String(7))  # "2026-12", office time: the staff's monthly table
    period_key: Mapped[str | None] = mapped_column(String(16))  # NULL: an unlimited offer
    # The one-tap form's key: a double submit of the same form records one use, even unlimited.
    submission_key: Mapped[str | None] = mapped_column(String(32), unique=True)

    offer: Mapped[Offer] = relationship()
    partner: Mapped[Partner] = relationship()
