from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from learnapp.auth import rules
from learnapp.core import age_groups
from learnapp.db import TimestampMixin, UTCDateTime, utcnow
from learnapp.extensions import db


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What others see today (kept equal to the public name when names are saved; older
    # pages and domains read it). first_name/last_name/name_shown are the source.
    display_name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(80), default="")
    # The whole last name, or only its initial if that is all a person gives.
    last_name: Mapped[str] = mapped_column(String(80), default="")
    # "initial" (Camille D.) or "full" (Camille Dupont); minors always show the initial.
    name_shown: Mapped[str] = mapped_column(String(10), default=rules.NAME_INITIAL)
    # Children join through a class and have no e-mail: nullable, unique when present.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    birth_year: Mapped[int] = mapped_column(Integer)
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the person opened the confirmation link (or an admin/CLI made the account).
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin",
        foreign_keys="UserRole.user_id",
    )

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return self.is_active_account

    # The session key of the request being served (set by the session loader or at sign-in):
    # Flask-Login stores get_id() in the session and the remember-me cookie, so both point at
    # one server-side UserSession record, which logout, "sign out everywhere", a role removal
    # or a deactivation ends.
    session_key = None  # str: the key given to the cookies (never stored in clear)
    current_session = None  # UserSession: the record this request is served under

    def get_id(self) -> str:
        # The password fingerprint too: a password changed by any path (the CLI included)
        # ends every session and remember-me cookie.
        return f"{self.id}:{self.session_fingerprint()}:{self.session_key or ''}"

    def session_fingerprint(self) -> str:
        """Changes with the password: makes a reset link single-use."""
        return self.password_hash[-12:]

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_names(self) -> list[str]:
        return sorted(role.name for role in self.roles)

    def has_role(self, name: str) -> bool:
        return name in self.role_names

    def age_group(self, when: datetime | date) -> str:
        """The learner's age group at ``when``, counted in the office's time zone.

        Give the moment (``now``); a plain date is taken as the office's calendar day, for the
        callers that still pass ``now.date()``.
        """
        if isinstance(when, datetime):
            return age_groups.group_at(self.birth_year, when)
        return age_groups.group_on(self.birth_year, when)

    def public_name_at(self, when: datetime | date) -> str:
        if not self.first_name:  # an account made without names (older code, a bare User(...))
            return self.display_name
        return rules.public_name(self.first_name, self.last_name, self.name_shown,
                                 minor=self.age_group(when) != age_groups.ADULT)

    @property
    def public_name(self) -> str:
        """What other people see: first name + initial for a minor or by choice."""
        return self.public_name_at(utcnow())

    @property
    def full_name(self) -> str:
        """The name a certificate is made out to."""
        return rules.full_name(self.first_name, self.last_name) or self.display_name

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.display_name!r}>"


class UserRole(db.Model):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_user_role_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(20), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])


class AuditEntry(TimestampMixin, db.Model):
    """Who did what to whom: role grants, revocations, manual overrides."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject: Mapped[str] = mapped_column(String(120))
    detail: Mapped[str] = mapped_column(String(1000), default="")


class UserSession(db.Model):
    """One sign-in: the session cookie and the remember-me cookie carry its key, and each request
    checks it here, so every worker and host agrees on whether it still holds."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    # sha256 of the key: a copy of the database does not give working cookies.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    remember: Mapped[bool] = mapped_column(default=False)
    label: Mapped[str] = mapped_column(String(120), default="")  # "Firefox, Linux"
    address: Mapped[str] = mapped_column(String(45), default="")

    user: Mapped[User] = relationship()
