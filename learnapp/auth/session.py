"""Flask-Login wiring: how a session or remember-me cookie finds its account."""

from __future__ import annotations

from flask_login import AnonymousUserMixin

from learnapp.core.i18n import _l
from learnapp.extensions import db, login_manager


class Anonymous(AnonymousUserMixin):
    role_names: list[str] = []
    locale = None

    def has_role(self, name: str) -> bool:
        return False


def load_user(session_id: str):
    from learnapp.auth.models import User

    user_id, _, fingerprint = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_fingerprint() != fingerprint:
        return None
    return user


def init_login(app):
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Connectez-vous pour continuer.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
