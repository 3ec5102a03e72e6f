"""Account use cases. They flush, never commit: the view or the command commits once."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from learnapp.auth import rules
from learnapp.auth.models import AuditEntry, User, UserRole
from learnapp.core.access import ROLES
from learnapp.extensions import db

RESET_SALT = "learnapp.password-reset"
EMAIL_SALT = "learnapp.email-change"


class AccountError(ValueError):
    """A rule refused the operation; ``code`` says which (the view words it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def email_taken(email: str, *, except_user: User | None = None) -> bool:
    query = select(func.count()).select_from(User).where(User.email == normalise_email(email))
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    return db.session.scalar(query) > 0


def create_user(*, display_name: str, email: str | None, password: str, birth_year: int,
                roles: tuple[str, ...] = ("learner",), now: datetime,
                locale: str | None = None) -> User:
    if email is not None:
        email = normalise_email(email)
        if email_taken(email):
            raise AccountError("email_taken")
    user = User(display_name=display_name.strip(), email=email, birth_year=birth_year,
                locale=locale, created_at=now)
    user.set_password(password)
    db.session.add(user)
    for role in roles:
        grant_role(user, role, actor=None, now=now)
    db.session.flush()
    return user


def register(*, display_name: str, email: str, password: str, birth_year: int,
             now: datetime, locale: str | None = None) -> User:
    today = now.date()
    if not rules.birth_year_is_plausible(birth_year, today):
        raise AccountError("birth_year")
    if not rules.may_self_register(birth_year, today):
        raise AccountError("child")
    return create_user(display_name=display_name, email=email, password=password,
                       birth_year=birth_year, now=now, locale=locale)


@cache
def _decoy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str, now: datetime) -> User | None:
    user = find_by_email(email)
    if user is None:
        # As slow as a wrong password, so the time taken does not tell whether an account exists.
        check_password_hash(_decoy_hash(), password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    user.last_login_at = now
    return user


def grant_role(user: User, role: str, *, actor: User | None, now: datetime) -> bool:
    if role not in ROLES:
        raise AccountError("unknown_role")
    if role in user.role_names:
        return False
    user.roles.append(UserRole(name=role, granted_at=now,
                               granted_by_id=actor.id if actor else None))
    audit(actor, "role.grant", f"user:{user.id}" if user.id else "user:new", role, now)
    return True


def remove_role(user: User, role: str, *, actor: User, now: datetime) -> bool:
    if role == "admin" and user.id == actor.id:
        raise AccountError("self_admin")  # nobody locks the office out by mistake
    for held in list(user.roles):
        if held.name == role:
            user.roles.remove(held)
            audit(actor, "role.remove", f"user:{user.id}", role, now)
            return True
    return False


def audit(actor: User | None, action: str, subject: str, detail: str, now: datetime) -> None:
    db.session.add(AuditEntry(actor_id=actor.id if actor else None, action=action,
                              subject=subject, detail=detail, created_at=now))


# Signed links -------------------------------------------------------------------------------

def _serializer(secret_key: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=salt)


def password_reset_token(user: User, secret_key: str) -> str:
    # The password fingerprint makes the link single-use: once the password changes, the
    # fingerprint no longer matches.
    return _serializer(secret_key, RESET_SALT).dumps(
        {"u": user.id, "f": user.session_fingerprint()}
    )


def user_from_reset_token(token: str, secret_key: str, max_age: int) -> User:
    try:
        data = _serializer(secret_key, RESET_SALT).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise AccountError("expired") from error
    except BadSignature as error:
        raise AccountError("invalid") from error
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or user.session_fingerprint() != data.get("f"):
        raise AccountError("used")
    return user


def email_change_token(user: User, new_email: str, secret_key: str) -> str:
    return _serializer(secret_key, EMAIL_SALT).dumps(
        {"u": user.id, "e": normalise_email(new_email), "o": user.email}
    )


def check_email_change(token: str, secret_key: str, max_age: int) -> tuple[User, str]:
    """The account and new address a confirmation link is for; raises AccountError."""
    try:
        data = _serializer(secret_key, EMAIL_SALT).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise AccountError("expired") from error
    except BadSignature as error:
        raise AccountError("invalid") from error
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("o"):
        raise AccountError("used")
    if email_taken(data["e"], except_user=user):
        raise AccountError("email_taken")
    return user, data["e"]


def apply_email_change(token: str, secret_key: str, max_age: int) -> User:
    user, new_email = check_email_change(token, secret_key, max_age)
    user.email = new_email
    return user
