from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from learnapp.core import age_groups
from learnapp.db import TimestampMixin, UTCDateTime
from learnapp.extensions import db


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    # Children join through a class and have no e-mail: nullable, unique when present.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    birth_year: Mapped[int] = mapped_column(Integer)
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin",
        foreign_keys="UserRole.user_id",
    )

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        # The session remembers a fingerprint of the password hash too, so changing the
        # password signs out every other session and "remember me" cookie.
        return f"{self.id}:{self.session_fingerprint()}"

    def session_fingerprint(self) -> str:
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
