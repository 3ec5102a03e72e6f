"""Ambassadors: who joined, at which level and why, the manifesto they signed, their portrait.

Levels are the office's definitions (``certificates/levels.yml``, loaded by ``learnapp content
load``); a membership points at the level it reached, and every change of level is a row of
``ambassador_level_change`` with its date and cause, so staff can see why anyone is where they are.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.db import TimestampMixin, UTCDateTime
from learnapp.extensions import db

# Membership status: joined (counts), paused (hidden, card stopped, may come back), left.
JOINED, PAUSED, LEFT = "joined", "paused", "left"
STATUSES = (JOINED, PAUSED, LEFT)

# Portrait review.
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"


class LevelScheme(db.Model):
    """The settings of ``levels.yml`` outside the levels themselves (palmarès weights). One row."""

    __tablename__ = "ambassador_scheme"

    id: Mapped[int] = mapped_column(primary_key=True)
    points: Mapped[dict] = mapped_column(JSON)  # {"certificate": 10, "visit": 5}
    version: Mapped[int] = mapped_column(Integer, default=1)
    source_hash: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Level(TimestampMixin, db.Model):
    """One level of one age group: its rank (1 = first) and its rule (plain data, see rules.py)."""

    __tablename__ = "ambassador_level"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)  # stable id from the file
    age_group: Mapped[str] = mapped_column(String(10), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    names: Mapped[dict] = mapped_column(JSON)  # {"fr": …, "en": …}
    requires: Mapped[dict] = mapped_column(JSON)  # rules.Requirement as a dict
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source_hash: Mapped[str] = mapped_column(String(64), default="")


class Membership(db.Model):
    """One person's membership of the network, from their first signature of the manifesto."""

    __tablename__ = "ambassador_membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=JOINED, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The level reached: rank 0 and no level before the first one. Changed only by the guarded
    # update in services.py (two signals at once give one upgrade).
    level_id: Mapped[int | None] = mapped_column(ForeignKey("ambassador_level.id", ondelete="SET NULL"), index=True)
    level_rank: Mapped[int] = mapped_column(Integer, default=0)
    level_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Opt-ins: the palmarès (public ranking) and the partners' directory (invitations).
    in_palmares: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    in_directory: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    preferred_contact: Mapped[str] = mapped_column(String(200), default="")

    level: Mapped[Level | None] = relationship(lazy="joined")


class LevelChange(db.Model):
    """A level reached or lost: when, from which rank to which, and the cause
    (``certificate:GTM…``, ``visit:12``, ``manifesto:3``, ``revoked:GTM…``, ``expired:GTM…``)."""

    __tablename__ = "ambassador_level_change"
    __table_args__ = (Index("ix_ambassador_level_change_user_at", "user_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    from_rank: Mapped[int] = mapped_column(Integer)
    to_rank: Mapped[int] = mapped_column(Integer)
    level_id: Mapped[int | None] = mapped_column(ForeignKey("ambassador_level.id", ondelete="SET NULL"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cause: Mapped[str] = mapped_column(String(120))
    # The facts that made it (certificates, visits…) as the rules saw them: staff read it.
    facts: Mapped[dict] = mapped_column(JSON, default=dict)

    level: Mapped[Level | None] = relationship(lazy="joined")


class ManifestoVersion(db.Model):
    """One version of the manifesto. A new version asks everyone to sign again; the previous
    signature still counts for ``grace_days`` after ``published_at``."""

    __tablename__ = "ambassador_manifesto_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    body: Mapped[str] = mapped_column(Text)  # Markdown, rendered through the sanitiser
    source_hash: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(10), default="files")  # files | editor
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    grace_days: Mapped[int] = mapped_column(Integer, default=30)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)


class Signature(db.Model):
    """A dated signature of one manifesto version. For a minor, the consent given with it:
    by a parent (name + declaration) or, later, by the class's teacher (``consent_by``)."""

    __tablename__ = "ambassador_signature"
    __table_args__ = (UniqueConstraint("user_id", "version_id", name="uq_ambassador_signature_user_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("ambassador_manifesto_version.id"), index=True)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "parent" | "teacher" | None (an adult needs none)
    consent_by: Mapped[str | None] = mapped_column(String(10))
    parent_name: Mapped[str | None] = mapped_column(String(200))
    parent_declaration: Mapped[str | None] = mapped_column(String(500))
    consent_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                           index=True)

    version: Mapped[ManifestoVersion] = relationship(lazy="joined")


class Portrait(db.Model):
    """An adult ambassador's public portrait, shown once staff approve it. Never a minor's."""

    __tablename__ = "ambassador_portrait"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(String(600), default="")
    places: Mapped[str] = mapped_column(String(300), default="")  # favourite places, one a line
    # Deferred: lists of portraits name the photo by URL; only the photo route reads the bytes.
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # re-encoded by core.images
    photo_mime: Mapped[str | None] = mapped_column(String(20))
    photo_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    review_note: Mapped[str] = mapped_column(String(300), default="")
