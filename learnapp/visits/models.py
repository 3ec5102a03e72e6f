"""Guided visits, their sessions, bookings (seats or a group), attendance and calendar feeds.

Seats are counted in ``VisitSession.taken``, changed only by guarded ``UPDATE`` statements
(see ``booking.py``): the count, not a read in Python, decides who gets the last seat.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.db import TimestampMixin, UTCDateTime
from learnapp.extensions import db


class Visit(TimestampMixin, db.Model):
    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description_markdown: Mapped[str] = mapped_column(Text, default="")
    # Rendered and sanitised once, when written (the lessons' renderer).
    description_html: Mapped[str] = mapped_column(Text, default="")
    meeting_point: Mapped[str] = mapped_column(String(300), default="")
    map_url: Mapped[str] = mapped_column(String(500), default="")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    accessibility: Mapped[str] = mapped_column(Text, default="")
    # Age groups welcome, e.g. ["teen", "adult"]; school groups are a separate switch.
    audiences: Mapped[list[str]] = mapped_column(JSON, default=list)
    school_groups: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    guide_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    cover_asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_asset.id", ondelete="SET NULL"), index=True)
    cover_alt: Mapped[str] = mapped_column(String(300), default="")

    sessions: Mapped[list[VisitSession]] = relationship(
        back_populates="visit", order_by="VisitSession.starts_at", cascade="all, delete-orphan")


class VisitSession(TimestampMixin, db.Model):
    __tablename__ = "visit_session"
    __table_args__ = (
        UniqueConstraint("visit_id", "starts_at", name="uq_visit_session_visit_start"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="seats"),
        CheckConstraint("ends_at > starts_at", name="times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    # None: booking open as soon as published / until the start.
    booking_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    booking_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # None: the default deadline of rules.cancel_deadline.
    cancel_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The guide of this session (the visit's guide when None).
    guide_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="scheduled", index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    roster_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # RFC 5545 SEQUENCE: raised whenever times or status change.
    sequence: Mapped[int] = mapped_column(Integer, default=0)

    visit: Mapped[Visit] = relationship(back_populates="sessions")


class Booking(TimestampMixin, db.Model):
    """Seats for one account (and children in their care), or a school group (the seam)."""

    __tablename__ = "visit_booking"
    __table_args__ = (
        # One live booking per account and session: ``active_session_id`` is the session while
        # the booking is confirmed or waitlisted and NULL once cancelled (NULLs never clash).
        UniqueConstraint("user_id", "active_session_id", name="uq_visit_booking_user_active"),
        CheckConstraint("seats > 0", name="seats"),
        Index("ix_visit_booking_session_status", "session_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("visit_session.id", ondelete="CASCADE"), index=True)
    active_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("visit_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="person")  # person | group
    seats: Mapped[int] = mapped_column(Integer, default=1)
    # First names of the children the booker brings (no other data about them).
    children: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), index=True)  # confirmed | waitlisted | cancelled
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sequence: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[VisitSession] = relationship(foreign_keys=[session_id])


class Attendance(db.Model):
    """One person of one booking at one session: the holder (person 0) or a child (1, 2 …)."""

    __tablename__ = "visit_attendance"
    __table_args__ = (UniqueConstraint("booking_id", "person", name="uq_visit_attendance_booking_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("visit_booking.id", ondelete="CASCADE"), index=True)
    person: Mapped[int] = mapped_column(Integer, default=0)
    attended: Mapped[bool] = mapped_column(Boolean)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    marked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # Set once, by the guarded update that sends ``visit_attended``: never sent twice.
    signalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    booking: Mapped[Booking] = relationship()


class CalendarFeed(TimestampMixin, db.Model):
    """A personal calendar address. Only the token's SHA-256 is kept: a stolen database gives
    no working address; revoking deletes the row."""

    __tablename__ = "visit_calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
