"""Account use cases. They flush, never commit: the view or the command commits once."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from learnapp.auth import rules, sessions
from learnapp.auth.models import AuditEntry, User, UserRole
from learnapp.core.access import ROLES
from learnapp.extensions import db

RESET_SALT = "learnapp.password-reset"
EMAIL_SALT = "learnapp.email-change"
CONFIRM_SALT = "learnapp.address-confirm"


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


def create_user(*, email: str | None, password: str, birth_year: int, now: datetime,
                display_name: str | None = None, first_name: str | None = None,
                last_name: str = "", name_shown: str = rules.NAME_INITIAL,
                roles: tuple[str, ...] = ("learner",), locale: str | None = None,
                email_confirmed: bool = True) -> User:
    """An account; ``email_confirmed`` is False only for self sign-up (an admin, the CLI or a
    teacher vouches for the accounts they make). Give first/last names, or a display name
    (split at its first space) as older callers do."""
    if email is not None:
        email = normalise_email(email)
        if email_taken(email):
            raise AccountError("email_taken")
    if first_name is None:
        first_name, _, last_name = (display_name or "").strip().partition(" ")
        name_shown = rules.NAME_FULL  # what they typed is what others see
    user = User(email=email, birth_year=birth_year, locale=locale, created_at=now,
                email_confirmed_at=now if email_confirmed and email else None)
    set_names(user, first_name, last_name, name_shown, now=now)
    user.set_password(password)
    db.session.add(user)
    for role in roles:
        grant_role(user, role, actor=None, now=now)
    db.session.flush()
    return user


def set_names(user: User, first_name: str, last_name: str, name_shown: str, *, now: datetime) -> None:
    user.first_name, user.last_name = first_name.strip()[:80], last_name.strip()[:80]
    user.name_shown = name_shown if name_shown in rules.NAME_RULES else rules.NAME_INITIAL
    user.display_name = user.public_name_at(now)[:80]


def register(*, first_name: str, last_name: str, name_shown: str, email: str, password: str,
             birth_year: int, now: datetime, locale: str | None = None) -> User:
    """A self sign-up, unconfirmed until its link is opened. An address already in use raises
    AccountError("email_taken") after as much work as a real sign-up (the view answers both
    alike and mails the owner instead)."""
    today = now.date()
    if not rules.birth_year_is_plausible(birth_year, today):
        raise AccountError("birth_year")
    if not rules.may_self_register(birth_year, today):
        raise AccountError("child")
    if email_taken(email):
        generate_password_hash(password)  # the hash a new account costs, so timing says nothing
        raise AccountError("email_taken")
    return create_user(first_name=first_name, last_name=last_name, name_shown=name_shown,
                       email=email, password=password, birth_year=birth_year, now=now,
                       locale=locale, email_confirmed=False)


def check_may_take_part(user: User) -> None:
    """For the domains to come (bookings, certificates, ambassadors): raise unless the account
    has proved its address (see rules.may_take_part)."""
    if not rules.may_take_part(email=user.email, email_confirmed_at=user.email_confirmed_at):
        raise AccountError("email_unconfirmed")


def change_password(user: User, password: str, now: datetime, *, keep_session_id: int | None) -> None:
    """Every other session ends: whoever else held one may have known the old password."""
    user.set_password(password)
    sessions.end_all(user, now, except_id=keep_session_id)


def deactivate(user: User, *, actor: User | None, now: datetime) -> None:
    user.is_active_account = False
    sessions.end_all(user, now)
    audit(actor, "account.deactivate", f"user:{user.id}", "", now)


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
            # Its sessions end at once: a new sign-in gets only what the account holds now.
            sessions.end_all(user, now)
            audit(actor, "role.remove", f"user:{user.id}", role, now)
            return True
    return False


def audit(actor: User | None, action: str, subject: str, detail: str, now: datetime) -> None:
    db.session.add(AuditEntry(actor_id=actor.id if actor else None, action=action,
                              subject=subject, detail=detail, created_at=now))


# Signed links -------------------------------------------------------------------------------

def _serializer(secret_key: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=salt)


def _account_from_token(
    token: str, secret_key: str, salt: str, max_age: int
) -> tuple[User | None, dict]:
    """The account a signed link names and its payload; raises AccountError when the
    signature is expired or wrong. The account is None when it no longer exists."""
    try:
        data = _serializer(secret_key, salt).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise AccountError("expired") from error
    except BadSignature as error:
        raise AccountError("invalid") from error
    if not isinstance(data, dict):
        return None, {}
    return db.session.get(User, data.get("u")), data


def password_reset_token(user: User, secret_key: str) -> str:
    # The password fingerprint makes the link single-use: once the password changes, the
    # fingerprint no longer matches.
    return _serializer(secret_key, RESET_SALT).dumps(
        {"u": user.id, "f": user.session_fingerprint()}
    )


def user_from_reset_token(token: str, secret_key: str, max_age: int) -> User:
    user, data = _account_from_token(token, secret_key, RESET_SALT, max_age)
    if user is None or user.session_fingerprint() != data.get("f"):
        raise AccountError("used")
    return user


def email_change_token(user: User, new_email: str, secret_key: str) -> str:
    return _serializer(secret_key, EMAIL_SALT).dumps(
        {"u": user.id, "e": normalise_email(new_email), "o": user.email}
    )


def check_email_change(token: str, secret_key: str, max_age: int) -> tuple[User, str]:
    """The account and new address a confirmation link is for; raises AccountError."""
    user, data = _account_from_token(token, secret_key, EMAIL_SALT, max_age)
    if user is None or user.email != data.get("o"):
        raise AccountError("used")
    if email_taken(data["e"], except_user=user):
        raise AccountError("email_taken")
    return user, data["e"]


def apply_email_change(token: str, secret_key: str, max_age: int, now: datetime) -> User:
    user, new_email = check_email_change(token, secret_key, max_age)
    user.email = new_email
    user.email_confirmed_at = now
    return user


def address_confirmation_token(user: User, secret_key: str) -> str:
    return _serializer(secret_key, CONFIRM_SALT).dumps({"u": user.id, "e": user.email})


def check_address_confirmation(token: str, secret_key: str, max_age: int) -> User:
    """The account a sign-up confirmation link is for; single-use: once confirmed, "used"."""
    user, data = _account_from_token(token, secret_key, CONFIRM_SALT, max_age)
    if user is None or user.email != data.get("e") or user.email_confirmed_at is not None:
        raise AccountError("used")
    return user


def confirm_address(token: str, secret_key: str, max_age: int, now: datetime) -> User:
    user = check_address_confirmation(token, secret_key, max_age)
    user.email_confirmed_at = now
    return user
