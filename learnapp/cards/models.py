"""The ambassador's card and its photo.

One row per card issued. The holder's current card has ``active_user_id`` set to the holder;
reissuing clears it on the old row (which stays, so an old QR says "replaced", not "unknown")
and sets it on the new one. ``active_user_id`` is unique, and NULLs never clash: the database
itself refuses a second active card for one person, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.auth.models import User
from learnapp.db import TimestampMixin, UTCDateTime
from learnapp.extensions import db


class CardPhoto(TimestampMixin, db.Model):
    """A card's photo, re-encoded on the way in (core/images.py). Never served publicly: only
    its holder, partners checking the card and staff may see it (cards/routes.py)."""

    __tablename__ = "card_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    mime_type: Mapped[str] = mapped_column(String(50))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # Loaded only when the photo itself is served: a card's page needs its id and hash.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class Card(TimestampMixin, db.Model):
    __tablename__ = "ambassador_card"
    __table_args__ = (UniqueConstraint("active_user_id", name="uq_ambassador_card_one_active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(10), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # The holder while this card is their current one; NULL once replaced.
    active_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    photo_id: Mapped[int] = mapped_column(ForeignKey("card_photo.id", ondelete="RESTRICT"), index=True)
    # As printed on the card the day it was issued (the checks read the live standing).
    name: Mapped[str] = mapped_column(String(170))
    level_code: Mapped[str | None] = mapped_column(String(60))
    level_label: Mapped[str] = mapped_column(String(120), default="")
    reason: Mapped[str] = mapped_column(String(12))  # rules.REASONS
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    photo: Mapped[CardPhoto] = relationship(lazy="joined")
    # Loaded with the card where a check needs it (services.by_number), without the holder's roles.
    holder: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise_on_sql", viewonly=True)

    @property
    def current(self) -> bool:
        return self.active_user_id is not None
