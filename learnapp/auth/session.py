"""Flask-Login wiring: how a session or remember-me cookie finds its account and session record."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_login import AnonymousUserMixin, current_user

from learnapp.auth import rules, sessions
from learnapp.core.i18n import _l
from learnapp.db import utcnow
from learnapp.extensions import db, login_manager


class Anonymous(AnonymousUserMixin):
    role_names: list[str] = []
    locale = None
    email_confirmed = False

    def has_role(self, name: str) -> bool:
        return False


def timeouts_for(user, *, remember: bool) -> rules.SessionTimeouts:
    """Shorter for the office's staff and admins: their pages show other people's data and can
    revoke certificates and grant roles, so a forgotten or stolen session is worth more."""
    config = current_app.config
    if set(user.role_names) & set(config["STAFF_SESSION_ROLES"]):
        return rules.SessionTimeouts(timedelta(seconds=config["STAFF_SESSION_IDLE_TIMEOUT"]),
                                     timedelta(seconds=config["STAFF_SESSION_ABSOLUTE_TIMEOUT"]))
    idle = config["SESSION_REMEMBERED_IDLE_TIMEOUT" if remember else "SESSION_IDLE_TIMEOUT"]
    return rules.SessionTimeouts(timedelta(seconds=idle),
                                 timedelta(seconds=config["SESSION_ABSOLUTE_TIMEOUT"]))


def load_user(session_id: str):
    from learnapp.auth.models import User

    user_id, _, rest = session_id.partition(":")
    fingerprint, _, key = rest.partition(":")
    if not user_id.isdigit():
        return None
    record = sessions.find(int(user_id), key)
    if record is None:
        return None
    user = db.session.get(User, record.user_id)
    now = utcnow()
    if user is None or not user.is_active or user.session_fingerprint() != fingerprint:
        return None
    if rules.session_expired(record.created_at, record.last_seen_at, now, timeouts_for(user, remember=record.remember)):
        sessions.end(record, now)
        db.session.commit()  # safe: the loader runs before the view (see load_first)
        return None
    if sessions.touch(record, now, timedelta(seconds=current_app.config["SESSION_TOUCH_INTERVAL"])):
        db.session.commit()
    user.session_key, user.current_session = key, record
    return user


def load_first():
    """Look the session up before any view runs, so the loader's own small writes (last seen,
    an expired session ended) are committed alone, never halfway through a view's work."""
    current_user._get_current_object()


def init_login(app):
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Connectez-vous pour continuer.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(load_first)
