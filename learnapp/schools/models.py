"""Schools, their teachers, classes, pupils, assignments, and the class jobs (certificates)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.db import TimestampMixin, UTCDateTime
from learnapp.extensions import db


class School(TimestampMixin, db.Model):
    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    town: Mapped[str] = mapped_column(String(120), default="")


class SchoolTeacher(TimestampMixin, db.Model):
    """A teacher belongs to a school (invited by the office)."""

    __tablename__ = "school_teacher"
    __table_args__ = (UniqueConstraint("school_id", "user_id", name="uq_school_teacher_school_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)


class TeacherInvitation(TimestampMixin, db.Model):
    """A signed, single-use invitation link: only the token's SHA-256 is kept; ``used_at`` is set
    by a guarded update, so two clicks cannot both use it."""

    __tablename__ = "school_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    school: Mapped[School] = relationship()


class SchoolClass(TimestampMixin, db.Model):
    __tablename__ = "school_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    school_year: Mapped[str] = mapped_column(String(9))  # "2026-2027"
    level: Mapped[str] = mapped_column(String(40), default="")  # CM2, 6e …
    # The code pupils type (normalised: upper case, no separator). Unique across classes.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    school: Mapped[School] = relationship(lazy="joined")


class ClassTeacher(db.Model):
    """A class may have several teachers; each sees only the classes they belong to."""

    __tablename__ = "school_class_teacher"
    __table_args__ = (UniqueConstraint("class_id", "user_id", name="uq_school_class_teacher_class_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)


class Pupil(TimestampMixin, db.Model):
    """A child's or teen's account in a class: the account has no e-mail; the username is unique
    in the class (the class code + username identify the account at sign-in)."""

    __tablename__ = "school_pupil"
    __table_args__ = (UniqueConstraint("class_id", "username", name="uq_school_pupil_class_username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"), index=True)
    username: Mapped[str] = mapped_column(String(40))
    # When the current passphrase was printed (None: no card yet, the account cannot sign in).
    card_printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_on: Mapped[date | None] = mapped_column(Date)  # the date on the collected form
    consent_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # Deleted at the end of the year: the account is anonymised, its certificates stay verifiable.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    school_class: Mapped[SchoolClass] = relationship(lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")


class Assignment(TimestampMixin, db.Model):
    """A course given to a class, with the quiz tiers expected (up to ``tiers``) and a due date."""

    __tablename__ = "school_assignment"
    __table_args__ = (UniqueConstraint("class_id", "course_id", name="uq_school_assignment_class_course"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    tiers: Mapped[int] = mapped_column(Integer, default=1)  # 0: lessons only; n: tiers 1..n
    due_on: Mapped[date | None] = mapped_column(Date)
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)


class GroupVisit(TimestampMixin, db.Model):
    """A class's booking of a guided-visit session (the seats are the visits domain's booking)."""

    __tablename__ = "school_group_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("visit_booking.id", ondelete="CASCADE"), unique=True)
    pupils: Mapped[int] = mapped_column(Integer)
    adults: Mapped[int] = mapped_column(Integer)


class CertificateJob(TimestampMixin, db.Model):
    """A class's certificates being gathered into one zip, a few pupils per step (see
    docs/decisions-schools.md): the page that shows progress does the next step and reloads."""

    __tablename__ = "school_certificate_job"
    __table_args__ = (Index("ix_school_certificate_job_class_created", "class_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    total: Mapped[int] = mapped_column(Integer, default=0)  # certificates to render
    done: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CertificateJobFile(db.Model):
    __tablename__ = "school_certificate_job_file"
    __table_args__ = (UniqueConstraint("job_id", "certificate_id", name="uq_school_certificate_job_file_job_cert"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("school_certificate_job.id", ondelete="CASCADE"), index=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
