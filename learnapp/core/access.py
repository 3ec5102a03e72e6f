"""Who may see a view: one declaration per view, enforced in one place.

Every view carries an :class:`Audience` (set by the decorators below). A ``before_request``
hook reads it and refuses the request before the view runs; a view without a declaration is
refused too (deny by default), and ``tests/core/test_access_map.py`` walks the URL map so an
undeclared route fails the suite. Object-level checks ("this teacher's class") stay in the view
or service, on top of the declared audience.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, current_app, request
from flask_login import current_user

ROLES = ("learner", "teacher", "guide", "staff", "partner", "admin")
# The office's administrators may do anything a role can do.
SUPERUSER = "admin"


@dataclass(frozen=True)
class Audience:
    kind: str  # "public" | "login" | "roles"
    roles: frozenset[str] = field(default_factory=frozenset)

    def allows(self, user) -> bool:
        if self.kind == "public":
            return True
        if not user.is_authenticated:
            return False
        if self.kind == "login":
            return True
        return bool(self.roles & set(user.role_names))


def _declare(view, audience: Audience):
    view.audience = audience
    return view


def public(view):
    """Anyone, signed in or not."""
    return _declare(view, Audience("public"))


def login_required(view):
    """Any signed-in account; object ownership is checked by the view itself."""
    return _declare(view, Audience("login"))


def roles_required(*roles: str):
    """Signed-in accounts holding one of ``roles`` (admins always pass)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorate(view):
        return _declare(view, Audience("roles", frozenset(roles) | {SUPERUSER}))

    return decorate


def audience_of(endpoint: str | None) -> Audience | None:
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return Audience("public")
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "audience", None)


def enforce_audience():
    """before_request hook: 404s pass through, everything else must be declared and allowed."""
    if request.endpoint is None:
        return None  # routing failed: the 404/405 handler answers
    audience = audience_of(request.endpoint)
    if audience is None:
        current_app.logger.error("view %s declares no audience", request.endpoint)
        abort(403)
    if audience.allows(current_user):
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    abort(403)


def init_app(app):
    app.before_request(enforce_audience)
