"""Certificates: the office's definitions (issuer, achievements) and what was issued.

A certificate keeps the signed credential exactly as it was issued (``credential_jwt``), so an
edited achievement or issuer never changes a certificate already given.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.db import TimestampMixin, UTCDateTime
from learnapp.extensions import db


class Issuer(TimestampMixin, db.Model):
    """The office as it signs (certificates/issuer.yml). One row; ``version`` grows on each edit."""

    __tablename__ = "certificate_issuer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(254))
    description: Mapped[str] = mapped_column(Text, default="")
    image: Mapped[dict | None] = mapped_column(JSON)  # {"sha256", "ext"}: a MediaAsset
    version: Mapped[int] = mapped_column(Integer, default=1)
    source_hash: Mapped[str] = mapped_column(String(64), default="")


class Achievement(TimestampMixin, db.Model):
    """What one course tier certifies (certificates/achievements.yml), in French and English."""

    __tablename__ = "certificate_achievement"
    __table_args__ = (UniqueConstraint("course_slug", "tier_number", name="uq_certificate_achievement_tier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # stable id from the files
    course_slug: Mapped[str] = mapped_column(String(80), index=True)
    tier_number: Mapped[int] = mapped_column(Integer)
    names: Mapped[dict] = mapped_column(JSON)  # {"fr": …, "en": …}
    descriptions: Mapped[dict] = mapped_column(JSON)
    criteria: Mapped[dict] = mapped_column(JSON)
    valid_months: Mapped[int | None] = mapped_column(Integer)  # None: never expires
    image: Mapped[dict | None] = mapped_column(JSON)  # the badge {"sha256", "ext"}: a MediaAsset
    retired: Mapped[bool] = mapped_column(default=False)  # gone from the files: issues no more
    version: Mapped[int] = mapped_column(Integer, default=1)
    source_hash: Mapped[str] = mapped_column(String(64), default="")

    def text(self, field: str, locale: str | None) -> str:
        values = getattr(self, field)
        return values.get(locale or "fr") or values.get("fr", "")


class Certificate(db.Model):
    """One person's certificate for one achievement.

    ``generation`` is 0 for the certificate issued when the tier was passed, and grows by one at
    each re-issue (a corrected name): the unique constraint on (user, achievement, generation)
    makes "exactly one certificate per person and achievement" a fact of the database.
    """

    __tablename__ = "certificate"
    __table_args__ = (
        UniqueConstraint("user_id", "achievement_id", "generation", name="uq_certificate_user_achievement"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # normalised, without separators
    uid: Mapped[str] = mapped_column(String(36), unique=True)  # credential id: urn:uuid:<uid>
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    achievement_id: Mapped[int] = mapped_column(ForeignKey("certificate_achievement.id"), index=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    achievement_version: Mapped[int] = mapped_column(Integer)
    recipient_name: Mapped[str] = mapped_column(String(200))  # the full name, as printed
    public_name: Mapped[str] = mapped_column(String(200))  # what the verify page shows
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    kid: Mapped[str] = mapped_column(String(64))
    credential_jwt: Mapped[str] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificate.id", ondelete="SET NULL"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="SET NULL"), index=True)

    achievement: Mapped[Achievement] = relationship(lazy="joined")
    superseded_by: Mapped[Certificate | None] = relationship(remote_side=[id])
